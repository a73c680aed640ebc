import {
  ExecuteActionRequestSchema,
  FilePathQuerySchema,
  GitCloneRequestSchema,
  GitCommitRequestSchema,
  InterruptRequestSchema,
  SetEnvironmentRequestSchema,
  SESSION_API_KEY_HEADER,
  constantTimeEqual,
  errorBody,
  invalidRequestBody,
} from '@handoff/protocol';
import type { AliveResponse, ErrorBody } from '@handoff/protocol';
import { Hono } from 'hono';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { commandEnv } from './actions/action-context';
import type { ActionContext, CommandUser } from './actions/action-context';
import { createEditorState } from './actions/file-editor/editor-state';
import { executeAction } from './actions/execute-action';
import { interrupt } from './actions/run-command';
import { ChangeTracker } from './changes/change-tracker';
import { SandboxError } from './errors';
import { downloadTar, tarResponse } from './files/download';
import { listDirectory } from './files/list-directory';
import { SandboxGit } from './git/sandbox-git';
import { uploadTar } from './files/upload';
import type { UploadOptions } from './files/upload';
import { DEFAULT_UPLOAD_LIMITS } from './files/upload-policy';
import type { UploadLimits } from './files/upload-policy';
import { createJsonLogger, errorFields } from './log';
import type { Logger } from './log';
import { setEnvironment } from './shell/set-environment';
import { ShellSessions } from './shell/shell-sessions';

/**
 * The largest `/execute_action` body the action server reads: a `create` carries a whole file,
 * and the editor handles files up to 10 MB, which JSON escaping can make larger.
 */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** What `createApp` needs. */
export interface CreateAppOptions {
  /** The sandbox's session key, required in `X-Session-API-Key` on every route but `/alive`. */
  sessionApiKey: string;
  /** The workspace folder commands run in. */
  workspace: string;
  /** The shell sessions commands run in; pass them to close them on shutdown. */
  shells?: ShellSessions;
  /** The unprivileged user commands run as (`HANDOFF_COMMAND_USER`); the server's own when absent. */
  commandUser?: CommandUser;
  /** The environment commands inherit, before `HANDOFF_*` is removed; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  /** Where errors are logged; JSON lines on stderr by default. */
  logger?: Logger;
  /** Reports workspace changes with each action; one is made (and its baseline started) when absent. */
  changes?: ChangeTracker;
  /** Caps of one `PUT /files/upload`; `DEFAULT_UPLOAD_LIMITS` when absent. */
  uploadLimits?: UploadLimits;
}

const ALIVE: AliveResponse = { status: 'ok' };

/** The action server's HTTP app: each route parses, delegates to an executor and answers. */
export function createApp(options: CreateAppOptions): Hono {
  const logger = options.logger ?? createJsonLogger();
  const env = commandEnv(options.env ?? process.env);
  const { workspace, commandUser } = options;
  const ctx: ActionContext = {
    workspace,
    env,
    shells: options.shells ?? new ShellSessions({ workspace, env, ...(commandUser ? { commandUser } : {}) }),
    editor: createEditorState(),
    ...(commandUser ? { commandUser } : {}),
  };
  const changes = options.changes ?? new ChangeTracker({ workspace: ctx.workspace, logger });
  void changes.start();
  const limits = options.uploadLimits ?? DEFAULT_UPLOAD_LIMITS;
  const upload = { workspace: ctx.workspace, limits, owner: ctx.commandUser, changes, logger };
  const git = new SandboxGit({ workspace, env, commandUser, changes, logger });
  const app = new Hono();
  // Registered before the auth middleware and answering without next(), so it needs no key.
  app.get('/alive', (c) => c.json(ALIVE));
  app.use('*', requireSessionKey(options.sessionApiKey));
  app.post('/execute_action', limitBody, async (c) =>
    c.json(
      await executeAction(
        await readJson(c, ExecuteActionRequestSchema),
        { ...ctx, signal: c.req.raw.signal },
        changes,
      ),
    ),
  );
  app.post('/interrupt', limitBody, async (c) =>
    c.json(await interrupt(await readJson(c, InterruptRequestSchema), ctx)),
  );
  app.put('/environment', limitBody, async (c) =>
    c.json(setEnvironment(await readJson(c, SetEnvironmentRequestSchema), ctx.shells)),
  );
  // No body limit: an upload is streamed to disk under its own caps.
  app.put('/files/upload', async (c) => c.json(await uploadTar({ ...upload, ...uploadRequest(c) })));
  app.get('/files/download', async (c) => tarResponse(await downloadTar(ctx.workspace, readPath(c), logger)));
  app.get('/files/list', async (c) => c.json(await listDirectory(ctx.workspace, readPath(c))));
  app.post('/changes/scan', async (c) => c.json({ changes: await changes.scan() }));
  app.post('/git/clone', limitBody, async (c) =>
    c.json(await git.clone(await readJson(c, GitCloneRequestSchema), c.req.raw.signal)),
  );
  app.get('/git/changes', async (c) => c.json(await git.changes(c.req.raw.signal)));
  app.post('/git/commit', limitBody, async (c) =>
    c.json(await git.commit(await readJson(c, GitCommitRequestSchema), c.req.raw.signal)),
  );
  app.notFound((c) =>
    errorResponse(c, new SandboxError('route_not_found', `No route for ${c.req.method} ${c.req.path}.`)),
  );
  app.onError((error, c) => errorResponse(c, toSandboxError(error, logger)));
  return app;
}

function requireSessionKey(expected: string): MiddlewareHandler {
  return async (c, next) => {
    const given = c.req.header(SESSION_API_KEY_HEADER);
    if (given === undefined || !constantTimeEqual(given, expected)) {
      throw new SandboxError(
        'unauthorized',
        `Send the sandbox's session key in the ${SESSION_API_KEY_HEADER} header.`,
      );
    }
    await next();
  };
}

const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new SandboxError('payload_too_large', `Request body is larger than ${MAX_BODY_BYTES} bytes.`);
  },
});

async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (error) {
    throw new SandboxError('invalid_request', 'Request body is not valid JSON', { cause: error });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const { message, details } = invalidRequestBody(`${c.req.method} ${c.req.path} body`, parsed.error);
    throw new SandboxError('invalid_request', message, { details });
  }
  return parsed.data;
}

/** The `path` query of the file routes (the workspace root when absent). */
function readPath(c: Context): string {
  const parsed = FilePathQuerySchema.safeParse(c.req.query());
  if (!parsed.success) {
    const { message, details } = invalidRequestBody(`${c.req.method} ${c.req.path} query`, parsed.error);
    throw new SandboxError('invalid_request', message, { details });
  }
  return parsed.data.path;
}

function uploadRequest(c: Context): Pick<UploadOptions, 'requested' | 'body' | 'contentType'> {
  return { requested: readPath(c), body: c.req.raw.body, contentType: c.req.header('content-type') };
}

function toSandboxError(error: Error, logger: Logger): SandboxError {
  if (error instanceof SandboxError) {
    if (error.code === 'invalid_request')
      logger.warn('rejected request', { reason: error.message, details: error.details });
    return error;
  }
  logger.error('unexpected error', errorFields(error));
  return new SandboxError(
    'internal_error',
    'The action server failed unexpectedly; the details are in its log.',
    { cause: error },
  );
}

function errorResponse(c: Context, error: SandboxError): Response {
  const body: ErrorBody = errorBody(error.code, error.message, error.details);
  return c.json(body, error.status);
}
