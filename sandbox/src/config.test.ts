import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig, systemHost } from './config';
import type { ConfigHost } from './config';
import { createTempWorkspace } from './testing/temp-workspace';
import type { TempWorkspace } from './testing/temp-workspace';

const KEY = 'k'.repeat(16);
let workspace: TempWorkspace;

beforeEach(async () => {
  workspace = await createTempWorkspace();
});

afterEach(() => workspace.dispose());

function failure(env: NodeJS.ProcessEnv): string {
  const result = parseConfig(env);
  if (result.ok) throw new Error('expected the config to be refused');
  return result.message;
}

describe('parseConfig', () => {
  it('applies defaults', () => {
    expect(parseConfig({ HANDOFF_SESSION_API_KEY: KEY, HANDOFF_WORKSPACE: workspace.path })).toEqual({
      ok: true,
      config: { sessionApiKey: KEY, host: '127.0.0.1', port: 0, workspace: workspace.path },
    });
  });

  it('reads host and port, and resolves the workspace to its real path', async () => {
    const link = path.join(workspace.path, 'link');
    await symlink(workspace.path, link);
    const result = parseConfig({
      HANDOFF_SESSION_API_KEY: KEY,
      HANDOFF_WORKSPACE: link,
      HANDOFF_HOST: '0.0.0.0',
      HANDOFF_PORT: '8123',
    });
    expect(result).toEqual({
      ok: true,
      config: { sessionApiKey: KEY, host: '0.0.0.0', port: 8123, workspace: workspace.path },
    });
  });

  it('names every missing variable', () => {
    const message = failure({});
    expect(message).toContain('HANDOFF_SESSION_API_KEY is required');
    expect(message).toContain('HANDOFF_WORKSPACE is required');
  });

  it('refuses a short key without echoing it', () => {
    const message = failure({ HANDOFF_SESSION_API_KEY: 'short-secret', HANDOFF_WORKSPACE: workspace.path });
    expect(message).toContain('HANDOFF_SESSION_API_KEY must be at least 16 characters');
    expect(message).not.toContain('short-secret');
  });

  it('refuses a workspace that does not exist or is a file', () => {
    expect(failure({ HANDOFF_SESSION_API_KEY: KEY, HANDOFF_WORKSPACE: '/no/such/dir' })).toContain(
      'HANDOFF_WORKSPACE must be an existing directory',
    );
    expect(failure({ HANDOFF_SESSION_API_KEY: KEY, HANDOFF_WORKSPACE: '/etc/hostname' })).toContain(
      'HANDOFF_WORKSPACE',
    );
  });

  it.each(['-1', 'abc', '70000', '80.5'])('refuses port %s', (port) => {
    expect(
      failure({ HANDOFF_SESSION_API_KEY: KEY, HANDOFF_WORKSPACE: workspace.path, HANDOFF_PORT: port }),
    ).toContain('HANDOFF_PORT');
  });
});

describe('HANDOFF_COMMAND_USER', () => {
  const worker = { name: 'worker', uid: 1000, gid: 1000, home: '/home/worker' };
  const host = (uid: number | undefined): ConfigHost => ({
    uid: () => uid,
    lookUpUser: (name) =>
      name === 'worker' ? worker : name === 'root' ? { name, uid: 0, gid: 0, home: '/root' } : undefined,
  });
  const env = (user: string): NodeJS.ProcessEnv => ({
    HANDOFF_SESSION_API_KEY: KEY,
    HANDOFF_WORKSPACE: workspace.path,
    HANDOFF_COMMAND_USER: user,
  });

  it('resolves the user to uid, gid and home when the server runs as root', () => {
    const result = parseConfig(env('worker'), host(0));
    expect(result).toEqual({
      ok: true,
      config: {
        sessionApiKey: KEY,
        host: '127.0.0.1',
        port: 0,
        workspace: workspace.path,
        commandUser: worker,
      },
    });
  });

  it('refuses it when the server is not root, naming the uid', () => {
    const result = parseConfig(env('worker'), host(1000));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(
      'HANDOFF_COMMAND_USER needs the action server to run as root, to start commands as "worker" (it runs as uid 1000)',
    );
  });

  it('refuses an unknown user, root itself, and a malformed name', () => {
    const message = (user: string): string => {
      const result = parseConfig(env(user), host(0));
      return result.ok ? '' : result.message;
    };
    expect(message('nobody-here')).toContain(
      'HANDOFF_COMMAND_USER names no user of this system ("nobody-here")',
    );
    expect(message('root')).toContain('must be an unprivileged user');
    expect(message('bad name;')).toContain('HANDOFF_COMMAND_USER must be a user name');
  });

  it('looks real users up on this system', () => {
    expect(systemHost.lookUpUser('root')).toMatchObject({ name: 'root', uid: 0, gid: 0 });
    expect(systemHost.lookUpUser('no-such-user-for-handoff')).toBeUndefined();
  });
});
