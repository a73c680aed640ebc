/** Throws `sandbox_start_failed` naming the first service bundle that does not exist. */
export declare function checkEntries(actionServerEntry: string, agentServerEntry: string): Promise<void>;
/** Creates each folder (owner-only); a failure is `sandbox_start_failed` naming the folder. */
export declare function makeFolders(...folders: string[]): Promise<void>;
