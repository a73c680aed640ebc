import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SandboxError } from '../errors';
import { credentialArgs, credentialEnv, credentialTarget } from './credential-helper';
import { gitEnv } from './git-env';

const URL = 'http://127.0.0.1:8123/acme/widgets.git';
const TOKEN = 'ghs_helpertesttoken0123456789';

/** Asks git itself for credentials (`git credential fill`) with our helper installed. */
function fill(request: string, env: Record<string, string>) {
  return spawnSync('git', [...credentialArgs(), 'credential', 'fill'], {
    input: request,
    encoding: 'utf8',
    env: { ...gitEnv(process.env, undefined), ...env },
  });
}

describe('the credential helper', () => {
  const env = credentialEnv(URL, { token: TOKEN });

  it("answers git with the token for the clone URL's protocol, host and port", () => {
    const result = fill('protocol=http\nhost=127.0.0.1:8123\npath=acme/widgets.git\n\n', env);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`username=x-access-token\npassword=${TOKEN}\n`);
  });

  it.each([
    ['another host', 'protocol=http\nhost=evil.example:8123\n\n'],
    ['another port', 'protocol=http\nhost=127.0.0.1:8124\n\n'],
    ['another protocol', 'protocol=https\nhost=127.0.0.1:8123\n\n'],
  ])('gives %s nothing (git then fails without prompting)', (_, request) => {
    const result = fill(request, env);
    expect(result.status).not.toBe(0);
    expect(result.stdout).not.toContain(TOKEN);
    expect(result.stderr).toContain('terminal prompts disabled');
  });

  it('uses the user name given with the token', () => {
    const result = fill(
      'protocol=http\nhost=127.0.0.1:8123\n\n',
      credentialEnv(URL, { token: TOKEN, username: 'bot' }),
    );
    expect(result.stdout).toContain('username=bot\n');
  });

  it('stores and erases nothing', () => {
    for (const verb of ['approve', 'reject']) {
      const result = spawnSync('git', [...credentialArgs(), 'credential', verb], {
        input: `protocol=http\nhost=127.0.0.1:8123\nusername=x\npassword=${TOKEN}\n\n`,
        encoding: 'utf8',
        env: { ...gitEnv(process.env, undefined), ...env },
      });
      expect(result.status).toBe(0);
      expect(result.stdout).toBe('');
    }
  });

  it('refuses a token with a line break (it would inject credential attributes)', () => {
    expect(() => credentialEnv(URL, { token: `${TOKEN}\nhost=evil` })).toThrow(SandboxError);
  });

  it('takes the host with its port as written, as git does', () => {
    expect(credentialTarget('https://github.com/acme/widgets.git')).toEqual({
      protocol: 'https',
      host: 'github.com',
    });
    expect(credentialTarget(URL)).toEqual({ protocol: 'http', host: '127.0.0.1:8123' });
  });
});
