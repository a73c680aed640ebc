import { SetEnvironmentRequestSchema } from '@handoff/protocol';
import type { SandboxActivity, SetEnvironmentRequest, SetEnvironmentResponse } from '@handoff/protocol';
import { Hono } from 'hono';
import { AgentServerError } from '../errors';
import type { SandboxEnvironmentClient } from '../sandbox/sandbox-client';
import { SandboxConnectionError, SandboxHttpError } from '../sandbox/sandbox-client';
import { readJsonBody } from './validate';

/** The path runtime-api polls; reading it is not activity. */
export const ACTIVITY_PATH = '/api/sandbox/activity';

/** What the `/api/sandbox` routes delegate to. */
export interface SandboxRoutesOptions {
  /** Passes claim-time variables on to the action server. */
  environment: SandboxEnvironmentClient;
  /** The sandbox's activity right now. */
  activity: () => SandboxActivity;
  /** Learns each variable's value, so logs mask it. */
  onSecrets?: (values: string[]) => void;
}

/** `/api/sandbox` routes: what runtime-api asks of a sandbox it hands out and watches. */
export function sandboxRoutes(options: SandboxRoutesOptions) {
  return new Hono()
    .put('/environment', async (c) => {
      const body = await readJsonBody(c, SetEnvironmentRequestSchema, 'set-environment request');
      options.onSecrets?.(Object.values(body.environment));
      return c.json(await forwardEnvironment(options.environment, body));
    })
    .get('/activity', (c) => c.json(options.activity()));
}

/**
 * Forwards `PUT /environment` to the action server. Its refusals keep their code and message
 * (they name variables, never values). One that does not answer is `sandbox_unavailable` (503);
 * one that refuses the agent server's own key or fails is the same code with 502.
 */
async function forwardEnvironment(
  client: SandboxEnvironmentClient,
  request: SetEnvironmentRequest,
): Promise<SetEnvironmentResponse> {
  try {
    return await client.setEnvironment(request);
  } catch (error) {
    throw environmentError(error);
  }
}

function environmentError(error: unknown): AgentServerError {
  if (
    error instanceof SandboxHttpError &&
    error.body !== undefined &&
    error.status < 500 &&
    error.status !== 401
  ) {
    const { code, message, details } = error.body;
    return new AgentServerError(code, message, { status: error.status, ...(details ? { details } : {}) });
  }
  if (error instanceof SandboxConnectionError) {
    return new AgentServerError(
      'sandbox_unavailable',
      `The action server did not answer, so the environment was not set: ${error.message}`,
      { cause: error },
    );
  }
  const what = error instanceof Error ? error.message : String(error);
  return new AgentServerError(
    'sandbox_unavailable',
    `The action server did not set the environment: ${what}`,
    { status: 502, cause: error },
  );
}
