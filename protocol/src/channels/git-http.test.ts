import { describe, expect, it } from 'vitest';
import { GitBranchNameSchema, GitCloneRequestSchema, GitPushRequestSchema, GitRemoteUrlSchema } from './git-http';

describe('git wire shapes', () => {
  it('takes an http(s) remote and refuses one with credentials or another scheme', () => {
    expect(GitRemoteUrlSchema.safeParse('https://github.com/acme/widgets.git').success).toBe(true);
    expect(GitRemoteUrlSchema.safeParse('http://127.0.0.1:9000/acme/w.git').success).toBe(true);
    expect(GitRemoteUrlSchema.safeParse('https://x-access-token:ghp_abc@github.com/a/b.git').success).toBe(false);
    expect(GitRemoteUrlSchema.safeParse('https://ghp_abc@github.com/a/b.git').success).toBe(false);
    expect(GitRemoteUrlSchema.safeParse('ssh://git@github.com/a/b.git').success).toBe(false);
    expect(GitRemoteUrlSchema.safeParse('file:///etc').success).toBe(false);
  });

  it('accepts the branch names git accepts and refuses the others', () => {
    for (const ok of ['main', 'handoff/issue-12-fix-the-sum', 'release-1.2', 'a/b/c'])
      expect(GitBranchNameSchema.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['', '-x', '/x', 'x/', 'a..b', 'a b', 'a~1', 'x.lock', 'a/.hidden', 'a@{1}', '@', 'a:b', 'x.'])
      expect(GitBranchNameSchema.safeParse(bad).success, bad).toBe(false);
  });

  it('keeps requests strict', () => {
    expect(GitCloneRequestSchema.safeParse({ url: 'https://h/a/b.git', token: 't' }).success).toBe(false);
    const push = { branch: 'handoff/x', message: 'm', author: { name: 'A', email: 'a@example.com' } };
    expect(GitPushRequestSchema.safeParse(push).success).toBe(true);
    expect(GitPushRequestSchema.safeParse({ ...push, author: { name: 'A', email: 'nope' } }).success).toBe(false);
  });
});
