import { RUNTIME_API_KEY_HEADER, SandboxInfoSchema } from '@handoff/protocol';
import type {
  SandboxId,
  SandboxIdRequest,
  SandboxInfo,
  StartSandboxRequest,
  StopSandboxRequest,
} from '@handoff/protocol';
import { NotFoundError } from './errors';
import { requestJson, requestVoid } from './json-http';
import type { HttpClientOptions } from './json-http';

/** Leases and returns sandboxes; the seam between the session and runtime-api. */
export interface RuntimeClient {
  /** Starts a sandbox; resolves once its agent server is reachable. */
  start(request?: StartSandboxRequest): Promise<SandboxInfo>;
  /** Stops and removes a sandbox. */
  stop(id: SandboxId): Promise<void>;
  /** A sandbox as runtime-api sees it now; `undefined` when it no longer exists. */
  get(id: SandboxId): Promise<SandboxInfo | undefined>;
  /** Resumes a paused sandbox; resolves with it running. */
  resume(id: SandboxId): Promise<SandboxInfo>;
}

/** Options of {@link HttpRuntimeClient}. */
export interface HttpRuntimeClientOptions extends HttpClientOptions {
  /** runtime-api's key; sent as the `X-API-Key` header only. */
  apiKey: string;
}

/** {@link RuntimeClient} over runtime-api's HTTP routes. */
export class HttpRuntimeClient implements RuntimeClient {
  constructor(private readonly options: HttpRuntimeClientOptions) {}

  async start(request: StartSandboxRequest = {}): Promise<SandboxInfo> {
    // Starting a container can take a while; give it more than the default timeout.
    const options = { timeoutMs: 120_000, ...this.options };
    return requestJson(
      options,
      { method: 'POST', path: '/start', headers: this.headers(), body: request, what: 'Starting a sandbox' },
      SandboxInfoSchema,
    );
  }

  async stop(id: SandboxId): Promise<void> {
    const body: StopSandboxRequest = { id };
    await requestVoid(this.options, {
      method: 'POST',
      path: '/stop',
      headers: this.headers(),
      body,
      what: 'Stopping the sandbox',
    });
  }

  async get(id: SandboxId): Promise<SandboxInfo | undefined> {
    try {
      return await requestJson(
        this.options,
        {
          method: 'GET',
          path: `/sessions/${encodeURIComponent(id)}`,
          headers: this.headers(),
          what: 'Looking up the sandbox',
        },
        SandboxInfoSchema,
      );
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async resume(id: SandboxId): Promise<SandboxInfo> {
    const body: SandboxIdRequest = { id };
    // Unpausing a container is quick, but give it the start timeout's slack.
    const options = { timeoutMs: 120_000, ...this.options };
    return requestJson(
      options,
      { method: 'POST', path: '/resume', headers: this.headers(), body, what: 'Resuming the sandbox' },
      SandboxInfoSchema,
    );
  }

  private headers(): Record<string, string> {
    return { [RUNTIME_API_KEY_HEADER]: this.options.apiKey };
  }
}
