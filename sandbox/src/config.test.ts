import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from './config';
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
