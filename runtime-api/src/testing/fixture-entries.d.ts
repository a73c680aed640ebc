/** Stand-in service scripts for the process provider's tests (see `fixtures/`). */
export declare const FIXTURE_ENTRIES: {
  /** Follows the wiring contract; reports itself on `GET /env`; obeys `FIXTURE_*` variables. */
  readonly readyService: string;
  /** Writes to stderr and exits 1 before it is ready. */
  readonly crashOnStart: string;
  /** Never prints its ready line and ignores SIGTERM. */
  readonly neverReady: string;
};
