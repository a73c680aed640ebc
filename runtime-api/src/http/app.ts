import { Hono } from 'hono';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { RUNTIME_API_KEY_HEADER, constantTimeEqual, errorBody } from '@handoff/protocol';
import type { AliveResponse } from '@handoff/protocol';
import { RuntimeApiError } from '../errors';
import { createJsonLogger } from '../log';
import { RuntimeMetrics } from '../metrics/runtime-metrics';
import type { Logger } from '../log';
import type { SandboxProvider } from '../providers/sandbox-provider';
import { createErrorHandler } from './error-handler';
import { sandboxRoutes } from './sandbox-routes';

/** Request bodies larger than this are refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

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

/** Routes that answer without a key. */
const OPEN_ROUTES = new Set(['GET /health']);

/** The runtime API as a Hono app: serve it with `@hono/node-server`, or test it with `app.request(...)`. */
export function createApp({ apiKey, provider, logger = createJsonLogger(), metrics }: AppOptions): Hono {
  const app = new Hono();
  const served = metrics ?? defaultMetrics(provider);
  app.use(requireApiKey(apiKey));
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new RuntimeApiError(
          'payload_too_large',
          `Request body is larger than ${MAX_BODY_BYTES} bytes (1 MiB).`,
        );
      },
    }),
  );
  app.get('/health', (c) => c.json({ status: 'ok' } satisfies AliveResponse));
  app.get('/metrics', async (c) => c.body(await served.text(), 200, { 'content-type': served.contentType }));
  app.route('/', sandboxRoutes(provider));
  app.notFound((c) => c.json(errorBody('route_not_found', `No route ${c.req.method} ${c.req.path}.`), 404));
  app.onError(createErrorHandler(logger));
  return app;
}

function defaultMetrics(provider: SandboxProvider): RuntimeMetrics {
  const metrics = new RuntimeMetrics();
  metrics.watch({ list: () => provider.list() });
  return metrics;
}

/** Every route but the open ones needs the runtime API key; unknown routes too, so they reveal nothing. */
function requireApiKey(apiKey: string): MiddlewareHandler {
  return async (c, next) => {
    if (OPEN_ROUTES.has(`${c.req.method} ${c.req.path}`)) return next();
    const given = c.req.header(RUNTIME_API_KEY_HEADER);
    if (given === undefined || !constantTimeEqual(given, apiKey)) {
      throw new RuntimeApiError(
        'unauthorized',
        `Missing or wrong ${RUNTIME_API_KEY_HEADER} header; send the runtime API key in it.`,
      );
    }
    return next();
  };
}
