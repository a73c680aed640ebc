import { describe, expect, it } from 'vitest';
import { gitFailure, scrub } from './git-failure';
import type { ProcessResult } from './run-git';

const TOKEN = 'ghs_failuretesttoken0123456789';

function failed(stderr: string, extra: Partial<ProcessResult> = {}): ProcessResult {
  return {
    exitCode: 128,
    stdout: Buffer.alloc(0),
    stdoutTruncated: false,
    stderr,
    timedOut: false,
    aborted: false,
    ...extra,
  };
}

describe('gitFailure', () => {
  it.each([
    [
      "remote: Permission to acme/widgets.git denied to bot.\nfatal: unable to access 'https://github.com/acme/widgets.git/': The requested URL returned error: 403",
      'git_permission_denied',
    ],
    ["fatal: Authentication failed for 'https://github.com/acme/widgets.git/'", 'git_permission_denied'],
    [
      "fatal: could not read Username for 'https://github.com': terminal prompts disabled",
      'git_permission_denied',
    ],
    [
      "remote: Repository not found.\nfatal: repository 'https://github.com/acme/nope.git/' not found",
      'git_remote_not_found',
    ],
    ['fatal: unable to access: The requested URL returned error: 404', 'git_remote_not_found'],
    ['fatal: unable to access: Failed to connect to 127.0.0.1 port 9: Connection refused', 'git_failed'],
  ])('maps %j to %s', (stderr, code) => {
    const error = gitFailure({ what: 'Cloning x' }, failed(stderr));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^Cloning x failed: /);
    expect(error.message).toContain(stderr.split('\n').at(-1)?.slice(0, 40));
  });

  it('never lets the token or URL credentials through', () => {
    const error = gitFailure(
      { what: 'Pushing', secrets: [TOKEN] },
      failed(`fatal: unable to access 'https://x-access-token:${TOKEN}@github.com/a/b.git/': boom ${TOKEN}`),
    );
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).toContain('https://***@github.com/a/b.git/');
    expect(scrub(`a ${TOKEN} b`, [TOKEN])).toBe('a *** b');
  });

  it('says when git was stopped', () => {
    expect(gitFailure({ what: 'Cloning x' }, failed('', { timedOut: true })).message).toContain(
      'took too long',
    );
  });
});
