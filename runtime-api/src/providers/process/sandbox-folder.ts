import { access, mkdir } from 'node:fs/promises';
import { RuntimeApiError } from '../../errors';

/** Throws `sandbox_start_failed` naming the first service bundle that does not exist. */
export async function checkEntries(actionServerEntry: string, agentServerEntry: string): Promise<void> {
  for (const [name, entry] of [
    ['action server', actionServerEntry],
    ['agent server', agentServerEntry],
  ] as const) {
    try {
      await access(entry);
    } catch (error) {
      throw new RuntimeApiError(
        'sandbox_start_failed',
        `The ${name} is not built: ${entry} does not exist. Run \`npm run build\` first.`,
        { cause: error },
      );
    }
  }
}

/** Creates each folder (owner-only); a failure is `sandbox_start_failed` naming the folder. */
export async function makeFolders(...folders: string[]): Promise<void> {
  for (const folder of folders) {
    try {
      await mkdir(folder, { recursive: true, mode: 0o700 });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new RuntimeApiError(
        'sandbox_start_failed',
        `Could not create the sandbox folder ${folder}: ${reason}`,
        {
          cause: error,
        },
      );
    }
  }
}
