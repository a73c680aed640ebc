import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ErrorBodySchema, GitChangesResponseSchema, SESSION_API_KEY_HEADER } from '@handoff/protocol';
import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../server';
import { ShellSessions } from '../shell/shell-sessions';
import { commandEnv } from '../actions/action-context';
import { createGitFixture } from '../testing/git-fixture';
import type { GitFixture } from '../testing/git-fixture';
import { RecordingLogger } from '../testing/recording-logger';
import { newSessionKey } from '../testing/session-key';
import { cloneRepository } from './clone';

const KEY = newSessionKey();
let fixture: GitFixture;
let shells: ShellSessions;
let app: Hono;

beforeEach(async () => {
  fixture = await createGitFixture();
  shells = new ShellSessions({ workspace: fixture.workspace, env: commandEnv(process.env) });
  app = createApp({
    sessionApiKey: KEY,
    workspace: fixture.workspace,
    logger: new RecordingLogger(),
    shells,
  });
});

afterEach(async () => {
  await shells.close();
  await fixture.dispose();
});

function call(method: string, route: string, body?: unknown, key = KEY) {
  return app.request(`http://localhost${route}`, {
    method,
    headers: { 'content-type': 'application/json', [SESSION_API_KEY_HEADER]: key },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('the /git routes', () => {
  it('need the session key', async () => {
    expect((await call('GET', '/git/changes', undefined, 'wrong-key')).status).toBe(401);
  });

  it.each([
    ['a local path', { url: '/srv/repo.git' }],
    ['credentials in the URL', { url: 'https://user:pw@github.com/acme/widgets.git' }],
    ['an unknown field', { url: 'https://github.com/acme/widgets.git', token: 'x' }],
  ])('refuse a clone request with %s (400)', async (_, body) => {
    const response = await call('POST', '/git/clone', body);
    expect(response.status).toBe(400);
    expect(ErrorBodySchema.parse(await response.json()).code).toBe('invalid_request');
  });

  it('answer a remote that cannot be reached with git_failed (502) quoting git', async () => {
    const response = await call('POST', '/git/clone', { url: 'http://127.0.0.1:9/acme/widgets.git' });
    expect(response.status).toBe(502);
    const body = ErrorBodySchema.parse(await response.json());
    expect(body.code).toBe('git_failed');
    expect(body.message).toContain('Git said:');
  });

  it('answer changes before a clone with 409, and the changes after one', async () => {
    const before = await call('GET', '/git/changes');
    expect(before.status).toBe(409);
    expect(ErrorBodySchema.parse(await before.json()).code).toBe('workspace_conflict');
    await cloneRepository(
      { url: fixture.remote },
      { workspace: fixture.workspace, env: process.env, logger: new RecordingLogger() },
    );
    await writeFile(path.join(fixture.workspace, 'new.txt'), 'new\n');
    const after = await call('GET', '/git/changes');
    expect(after.status).toBe(200);
    expect(GitChangesResponseSchema.parse(await after.json()).files).toEqual([
      { path: 'new.txt', status: 'added' },
    ]);
  });

  it('commit through POST /git/commit, and refuse a bad branch name', async () => {
    await cloneRepository(
      { url: fixture.remote },
      { workspace: fixture.workspace, env: process.env, logger: new RecordingLogger() },
    );
    await writeFile(path.join(fixture.workspace, 'new.txt'), 'new\n');
    const author = { name: 'A', email: 'a@example.com' };
    const bad = await call('POST', '/git/commit', { branch: '-x..y', message: 'm', author });
    expect(bad.status).toBe(400);
    const good = await call('POST', '/git/commit', { branch: 'fix', message: 'm', author });
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ branch: 'fix', files: [{ path: 'new.txt', status: 'added' }] });
  });
});
