import { SESSION_API_KEY_HEADER, constantTimeEqual } from '@handoff/protocol';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { MiddlewareHandler } from 'hono';
import type { ConversationService } from '../conversation/conversation-service';
import { AgentServerError } from '../errors';
import type { Logger } from '../logger';
import { conversationRoutes } from './conversation-routes';
import { createErrorHandler, notFoundHandler } from './error-handler';
import { gitRoutes } from './git-routes';
import type { GitRoutesOptions } from './git-routes';
import { healthRoutes } from './health-routes';
import { ACTIVITY_PATH, sandboxRoutes } from './sandbox-routes';
import type { SandboxRoutesOptions } from './sandbox-routes';
import { WORKSPACE_UPLOAD_PATH, workspaceRoutes } from './workspace-routes';
import type { WorkspaceRoutesOptions } from './workspace-routes';

/** The largest request body the API accepts. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** What the HTTP app needs. */
export interface AppOptions {
  service: ConversationService;
  /** The sandbox's session key; every `/api` request must carry it. */
  sessionApiKey: string;
  logger: Logger;
  /** The `/api/sandbox` routes; absent, they answer 404. */
  sandbox?: SandboxRoutesOptions;
  /** The `/api/workspace` routes (upload, file reads); absent, they answer 404. */
  workspace?: WorkspaceRoutesOptions;
  /** The `/api/git` routes (clone, changes, push); absent, they answer 404. */
  git?: GitRoutesOptions;
  /** Told of every authenticated request but the activity poll itself. */
  onActivity?: () => void;
}

function requireSessionKey(expected: string, onActivity: (() => void) | undefined): MiddlewareHandler {
  return async (c, next) => {
    const given = c.req.header(SESSION_API_KEY_HEADER);
    if (given === undefined || !constantTimeEqual(given, expected)) {
      throw new AgentServerError('unauthorized', `Missing or wrong ${SESSION_API_KEY_HEADER} header.`);
    }
    if (c.req.path !== ACTIVITY_PATH) onActivity?.();
    await next();
  };
}

function logRequests(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    logger.info('HTTP request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    });
  };
}

/** Runs `middleware` on every request but those to `path`. */
function except(path: string, middleware: MiddlewareHandler): MiddlewareHandler {
  return (c, next) => (c.req.path === path ? next() : middleware(c, next));
}

/** The agent server's HTTP API (Hono). Test it without a port through `app.request(...)`. */
export function createApp(options: AppOptions): Hono {
  const app = new Hono();
  app.onError(createErrorHandler(options.logger));
  app.notFound(notFoundHandler);
  app.use(logRequests(options.logger));
  app.route('/', healthRoutes());
  app.use('/api/*', requireSessionKey(options.sessionApiKey, options.onActivity));
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AgentServerError(
        'payload_too_large',
        `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
      );
    },
  });
  // An upload streams through to the action server, which caps it.
  app.use('/api/*', except(WORKSPACE_UPLOAD_PATH, limitBody));
  app.route('/api/conversations', conversationRoutes(options.service));
  if (options.sandbox !== undefined) app.route('/api/sandbox', sandboxRoutes(options.sandbox));
  if (options.workspace !== undefined) app.route('/api/workspace', workspaceRoutes(options.workspace));
  if (options.git !== undefined) app.route('/api/git', gitRoutes(options.git));
  return app;
}
