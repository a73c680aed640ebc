/**
 * @module Reads one file of the sandbox's workspace through the agent server's
 * `GET /api/workspace/file?path=` and checks that the bytes are the ones the server hashed.
 */
import { createHash } from 'node:crypto';
import { PROTOCOL_VERSION, PROTOCOL_VERSION_HEADER, SESSION_API_KEY_HEADER } from '@handoff/protocol';
import { ConnectionError, InvalidResponseError, errorFromResponse } from '../agent/errors';
import type { FetchLike } from '../agent/json-http';
import { joinUrl } from '../agent/json-http';

/** Response headers of the file route. */
export const SHA256_HEADER = 'x-handoff-sha256';
export const EXECUTABLE_HEADER = 'x-handoff-executable';

/** Where the agent server is and the key for it. */
export interface AgentEndpoint {
  agentServerUrl: string;
  sessionApiKey: string;
}

/** A file as the sandbox has it now. */
export interface AgentFile {
  content: Uint8Array;
  /** SHA-256 of `content`, hex (verified). */
  sha256: string;
  executable: boolean;
}

/** SHA-256 of `bytes`, hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Fetches workspace files from one agent server. */
export class AgentFileClient {
  constructor(
    private readonly endpoint: AgentEndpoint,
    private readonly options: { timeoutMs?: number; fetch?: FetchLike } = {},
  ) {}

  /**
   * The file's current bytes. Throws `NotFoundError` when the sandbox no longer has it, an
   * `InvalidResponseError` when the bytes do not hash to the server's `x-handoff-sha256`.
   */
  async read(path: string): Promise<AgentFile> {
    const what = `Reading ${path} from the sandbox`;
    const response = await this.send(path, what);
    if (!response.ok) {
      const text = await response.text();
      throw errorFromResponse(response.status, parseJson(text), what);
    }
    const content = new Uint8Array(await response.arrayBuffer());
    const sha256 = sha256Hex(content);
    const announced = response.headers.get(SHA256_HEADER);
    if (announced !== sha256) {
      throw new InvalidResponseError(
        `${what}: the content does not match its checksum; nothing was written.`,
        {
          path,
          expected: announced,
          actual: sha256,
        },
      );
    }
    return { content, sha256, executable: response.headers.get(EXECUTABLE_HEADER) === 'true' };
  }

  private async send(path: string, what: string): Promise<Response> {
    const url = joinUrl(this.endpoint.agentServerUrl, `/api/workspace/file?path=${encodeURIComponent(path)}`);
    try {
      return await (this.options.fetch ?? fetch)(url, {
        method: 'GET',
        headers: {
          accept: 'application/octet-stream',
          [PROTOCOL_VERSION_HEADER]: String(PROTOCOL_VERSION),
          [SESSION_API_KEY_HEADER]: this.endpoint.sessionApiKey,
        },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new ConnectionError(`${what}: cannot reach ${this.endpoint.agentServerUrl}.`, error);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
