import { RUNTIME_API_KEY_HEADER, SandboxInfoSchema } from '@handoff/protocol';
import type { SandboxId, SandboxInfo, StartSandboxRequest, StopSandboxRequest } from '@handoff/protocol';
import { requestJson, requestVoid } from './json-http';
import type { HttpClientOptions } from './json-http';

/** Leases and returns sandboxes; the seam between the session and runtime-api. */
export interface RuntimeClient {
  /** Starts a sandbox; resolves once its agent server is reachable. */
  start(request?: StartSandboxRequest): Promise<SandboxInfo>;
  /** Stops and removes a sandbox. */
  stop(id: SandboxId): Promise<void>;
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

  private headers(): Record<string, string> {
    return { [RUNTIME_API_KEY_HEADER]: this.options.apiKey };
  }
}
