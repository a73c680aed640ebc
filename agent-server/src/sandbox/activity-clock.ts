/**
 * When the sandbox was last used: an authenticated request, an event socket frame or an agent
 * step. runtime-api reads it (`GET /api/sandbox/activity`) to pause idle sandboxes, so reading it
 * is not itself activity.
 */
export class ActivityClock {
  #last: number;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
    this.#last = now();
  }

  /** Records activity now. */
  readonly touch = (): void => {
    this.#last = this.#now();
  };

  /** The last activity (or the start), ISO 8601. */
  get lastActivityAt(): string {
    return new Date(this.#last).toISOString();
  }
}
