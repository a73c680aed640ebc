import { fileURLToPath } from 'node:url';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** Stand-in service scripts for the process provider's tests (see `fixtures/`). */
export const FIXTURE_ENTRIES = {
  /** Follows the wiring contract; reports itself on `GET /env`; obeys `FIXTURE_*` variables. */
  readyService: fixture('ready-service.mjs'),
  /** Writes to stderr and exits 1 before it is ready. */
  crashOnStart: fixture('crash-on-start.mjs'),
  /** Never prints its ready line and ignores SIGTERM. */
  neverReady: fixture('never-ready.mjs'),
} as const;
