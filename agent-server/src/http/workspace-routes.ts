/**
 * @module `/api/workspace` routes: the extension uploads the user's workspace into the sandbox
 * (through the action server, which owns writes to it) and reads back the files the agent
 * changed, to mirror them.
 */
import {
  ErrorBodySchema,
  FilePathQuerySchema,
  UploadResponseSchema,
  WORKSPACE_FILE_EXECUTABLE_HEADER,
  WORKSPACE_FILE_SHA256_HEADER,
  WorkspaceFileQuerySchema,
} from '@handoff/protocol';
import type { UploadResponse } from '@handoff/protocol';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { AgentServerError } from '../errors';
import { forwardUpload } from '../workspace/forward-upload';
import type { ActionServerTarget, ForwardedAnswer } from '../workspace/forward-upload';
import { readWorkspaceFile } from '../workspace/read-workspace-file';
import { readQuery } from './validate';

/** The upload route: exempt from the API's JSON body limit (the action server caps uploads). */
export const WORKSPACE_UPLOAD_PATH = '/api/workspace/upload';

/** What the `/api/workspace` routes need. */
export interface WorkspaceRoutesOptions {
  /** The workspace folder (`HANDOFF_WORKSPACE`); files are read from it directly. */
  workspace: string;
  /** Where uploads go: the action server's `PUT /files/upload`. */
  actionServer: ActionServerTarget;
}

/**
 * `PUT /upload?path=.`: a tar stream, passed through to the action server; answers its
 * `UploadResponse`. `GET /file?path=...`: one file's bytes with its sha256 and executable bit.
 */
export function workspaceRoutes(options: WorkspaceRoutesOptions) {
  return new Hono()
    .put('/upload', async (c) => c.json(await upload(options.actionServer, c)))
    .get('/file', async (c) => {
      const { path } = readQuery(c, WorkspaceFileQuerySchema, 'workspace file query');
      const file = await readWorkspaceFile(options.workspace, path);
      return c.body(new Uint8Array(file.bytes), 200, {
        'content-type': 'application/octet-stream',
        [WORKSPACE_FILE_SHA256_HEADER]: file.sha256,
        [WORKSPACE_FILE_EXECUTABLE_HEADER]: String(file.executable),
      });
    });
}

async function upload(target: ActionServerTarget, c: Context): Promise<UploadResponse> {
  const { path } = readQuery(c, FilePathQuerySchema, 'workspace upload query');
  let answer: ForwardedAnswer;
  try {
    answer = await forwardUpload(target, {
      path,
      body: c.req.raw.body,
      contentType: c.req.header('content-type'),
      contentLength: c.req.header('content-length'),
      signal: c.req.raw.signal,
    });
  } catch (error) {
    const what = error instanceof Error ? error.message : String(error);
    throw new AgentServerError(
      'sandbox_unavailable',
      `The action server did not answer, so the workspace was not uploaded: ${what}`,
      { cause: error },
    );
  }
  return uploadAnswer(answer);
}

/**
 * The action server's refusals keep their status, code and message (they name the entry and
 * the rule). A refusal of the agent server's own key, a failure, or a body that is not the
 * protocol's is `sandbox_unavailable` with 502.
 */
function uploadAnswer(answer: ForwardedAnswer): UploadResponse {
  const body = parseJson(answer.text);
  if (answer.status >= 200 && answer.status <= 299) {
    const parsed = UploadResponseSchema.safeParse(body);
    if (parsed.success) return parsed.data;
    throw badGateway('answered the upload with a body that is not an upload response');
  }
  const error = ErrorBodySchema.safeParse(body);
  if (error.success && answer.status < 500 && answer.status !== 401) {
    const { code, message, details } = error.data;
    throw new AgentServerError(code, message, { status: answer.status, ...(details ? { details } : {}) });
  }
  const reason = error.success ? `: ${error.data.message}` : '';
  throw badGateway(`refused the upload with HTTP ${String(answer.status)}${reason}`);
}

function badGateway(what: string): AgentServerError {
  return new AgentServerError('sandbox_unavailable', `The action server ${what}.`, { status: 502 });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
