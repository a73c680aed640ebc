/**
 * @module Runs tasks one after another per key (a workspace path), different keys in parallel,
 * so two writes of one file never interleave.
 */

/** A per-path task queue. */
export class PathQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** @param onError where a task's failure goes; the queue itself keeps running. */
  constructor(private readonly onError: (error: unknown) => void) {}

  /** Runs `task` after every task queued before it for `path`; resolves when it has finished. */
  run(path: string, task: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(path) ?? Promise.resolve();
    const next = previous.then(task).catch(this.onError);
    this.tails.set(path, next);
    void next.then(() => {
      if (this.tails.get(path) === next) this.tails.delete(path);
    });
    return next;
  }

  /** Settles once no task is queued or running. */
  async whenIdle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}
