/**
 * The process groups of commands the action server started. Each command runs as the leader of
 * its own group, so one signal reaches everything it spawned; a group stays tracked while any
 * member lives (a command may leave background jobs), and `killAll` ends them on shutdown.
 */
export class ProcessGroups {
  readonly #ids = new Set<number>();

  /** Starts tracking the group led by `pgid`, forgetting groups that have since emptied. */
  add(pgid: number): void {
    for (const id of this.#ids) if (!groupExists(id)) this.#ids.delete(id);
    this.#ids.add(pgid);
  }

  /** Stops tracking `pgid` if nothing in it is left running. */
  forgetIfGone(pgid: number): void {
    if (!groupExists(pgid)) this.#ids.delete(pgid);
  }

  /** Sends SIGKILL to every process in group `pgid`. */
  kill(pgid: number): void {
    signalGroup(pgid, 'SIGKILL');
  }

  /** Kills every tracked group (shutdown). */
  killAll(): void {
    for (const id of this.#ids) signalGroup(id, 'SIGKILL');
    this.#ids.clear();
  }

  /** How many groups are tracked. */
  get size(): number {
    return this.#ids.size;
  }
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    // EPERM means it exists but is no longer ours to signal; keep it out of our way.
    return !isErrno(error, 'ESRCH') && !isErrno(error, 'EPERM');
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    // The group already ended: exactly what we wanted.
    if (!isErrno(error, 'ESRCH')) throw error;
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
