import {
  ErrorBodySchema,
  ExecuteActionResponseSchema,
  SESSION_API_KEY_HEADER,
  SetEnvironmentResponseSchema,
} from '@handoff/protocol';
import type { RunCommandAction, RunCommandObservation } from '@handoff/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/start-test-server';
import type { TestServer } from '../testing/start-test-server';

let server: TestServer;

beforeEach(async () => {
  server = await startTestServer({ env: { ...process.env, KEPT_BY_SERVER: 'server-value' } });
});

afterEach(async () => {
  await server.close();
});

function putEnvironment(body: unknown, key: string | null = server.sessionApiKey): Promise<Response> {
  return fetch(`${server.url}/environment`, {
    method: 'PUT',
    headers: {
      'content-type': 'application/json',
      ...(key === null ? {} : { [SESSION_API_KEY_HEADER]: key }),
    },
    body: JSON.stringify(body),
  });
}

async function setEnvironment(environment: Record<string, string>): Promise<string[]> {
  const response = await putEnvironment({ environment });
  expect(response.status).toBe(200);
  return SetEnvironmentResponseSchema.parse(await response.json()).names;
}

async function run(command: string, session?: string): Promise<RunCommandObservation> {
  const action: RunCommandAction = { type: 'run_command', command, ...(session ? { session } : {}) };
  const response = await server.executeAction({ action });
  const { observation } = ExecuteActionResponseSchema.parse(await response.json());
  if (observation.type !== 'run_command') throw new Error(`unexpected observation ${observation.type}`);
  return observation;
}

describe('PUT /environment', () => {
  it('reaches a new session and an open one, without a trace in the output', async () => {
    expect(await run('echo "[${FOO:-unset}]"; export MINE=kept', 'open')).toMatchObject({
      output: '[unset]\n',
    });
    expect(await setEnvironment({ FOO: "it's a secret", BAR: 'b' })).toEqual(['BAR', 'FOO']);
    expect(await run('echo "$FOO|$BAR|$MINE"', 'open')).toMatchObject({
      status: 'completed',
      exitCode: 0,
      output: "it's a secret|b|kept\n",
    });
    expect(await run('echo "$FOO"; bash -c \'echo "$BAR"\'', 'new')).toMatchObject({
      output: "it's a secret\nb\n",
    });
  });

  it('keeps the exit status a command sees as $? and stays silent under set -x', async () => {
    await run('set -x; (exit 3)', 'traced');
    await setEnvironment({ FOO: 'hidden' });
    const observation = await run('echo "$?"', 'traced');
    expect(observation.output).toContain('3\n');
    expect(observation.output).not.toContain('hidden');
  });

  it('replaces the earlier set: names left out are unset, or get the server environment back', async () => {
    await run('true', 'open');
    await setEnvironment({ OLD: 'old', KEPT_BY_SERVER: 'overridden' });
    expect(await run('echo "$OLD $KEPT_BY_SERVER"', 'open')).toMatchObject({ output: 'old overridden\n' });
    expect(await setEnvironment({ NEW: 'new' })).toEqual(['NEW']);
    const check = 'echo "${OLD:-unset} $KEPT_BY_SERVER $NEW"';
    expect(await run(check, 'open')).toMatchObject({ output: 'unset server-value new\n' });
    expect(await run(check, 'fresh')).toMatchObject({ output: 'unset server-value new\n' });
  });

  it('reaches a session busy with a command before its next command', async () => {
    const waiting = run('while [ ! -e go ]; do sleep 0.02; done; echo "first ${LATE:-unset}"', 'busy');
    await setEnvironment({ LATE: 'late' });
    await run('touch go', 'other');
    expect(await waiting).toMatchObject({ status: 'completed', output: 'first unset\n' });
    expect(await run('echo "$LATE"', 'busy')).toMatchObject({ output: 'late\n' });
  });

  it('refuses HANDOFF_* and shell-owned names, and sets nothing then', async () => {
    const response = await putEnvironment({
      environment: { HANDOFF_X: 'x', PROMPT_COMMAND: 'p', FINE: 'f' },
    });
    expect(response.status).toBe(400);
    const error = ErrorBodySchema.parse(await response.json());
    expect(error).toMatchObject({
      code: 'invalid_request',
      details: { refused: ['HANDOFF_X', 'PROMPT_COMMAND'] },
    });
    expect(JSON.stringify(error)).not.toContain('"x"');
    expect(await run('echo "${FINE:-unset}"')).toMatchObject({ output: 'unset\n' });
  });

  it('refuses a body that is not a name-to-value map', async () => {
    const response = await putEnvironment({ environment: { 'not a name': 'v' } });
    expect(response.status).toBe(400);
    expect(ErrorBodySchema.parse(await response.json()).code).toBe('invalid_request');
  });

  it('needs the session key, and never logs a value', async () => {
    const response = await putEnvironment({ environment: { FOO: 'secret-value' } }, null);
    expect(response.status).toBe(401);
    expect(ErrorBodySchema.parse(await response.json()).code).toBe('unauthorized');
    await setEnvironment({ FOO: 'secret-value' });
    await putEnvironment({ environment: { HANDOFF_FOO: 'secret-value' } });
    expect(JSON.stringify(server.logger.records)).not.toContain('secret-value');
  });
});
