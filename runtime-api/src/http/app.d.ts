import { Hono } from 'hono';
import { RuntimeMetrics } from '../metrics/runtime-metrics';
import type { Logger } from '../log';
import type { SandboxProvider } from '../providers/sandbox-provider';
/** Request bodies larger than this are refused with 413. */
export declare const MAX_BODY_BYTES: number;
/** What {@link createApp} wires together. */
export interface AppOptions {
  /** The key every caller sends as `X-API-Key`. */
  apiKey: string;
  provider: SandboxProvider;
  /** JSON lines on stderr by default. */
  logger?: Logger;
  /** Served at `GET /metrics`; by default a fresh registry reading `provider.list()`. */
  metrics?: RuntimeMetrics;
}
/** The runtime API as a Hono app: serve it with `@hono/node-server`, or test it with `app.request(...)`. */
export declare function createApp({ apiKey, provider, logger, metrics }: AppOptions): Hono;
