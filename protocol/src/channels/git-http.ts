import { z } from 'zod';

/**
 * Git in the sandbox's workspace, for the solve flow: the agent server's `/api/git/*` routes and
 * the action server's `/git/*` routes (the agent server passes them on; the action server owns
 * writes to the workspace). A token given here reaches git only through a credential helper in
 * the environment of that one git process: never in the remote URL, `.git/config`, a shell the
 * agent uses, an event, a log or a prompt.
 */

/** How git authenticates to an HTTPS remote. */
export const GitAuthSchema = z
  .object({
    /** The token (a GitHub OAuth token, PAT or installation token). */
    token: z.string().min(1),
    /** The user name git sends with it; `x-access-token` (what GitHub expects for tokens) when absent. */
    username: z.string().min(1).max(200).optional(),
  })
  .strict();
/** Git credentials. */
export type GitAuth = z.infer<typeof GitAuthSchema>;

/** The user name sent with a token when none is given. */
export const DEFAULT_GIT_USERNAME = 'x-access-token';

/** An `http(s)://` remote with no credentials in it. */
export const GitRemoteUrlSchema = z
  .url()
  .refine((value) => /^https?:\/\/[^/@?#]+(?:[/?#]|$)/i.test(value), {
    message: 'must be an http(s) URL without credentials in it (pass the token in "auth")',
  });

/**
 * A branch name git accepts (`git check-ref-format --branch`, the common rules): no `..`, no
 * control characters, space, `~^:?*[\`, no leading `-` or `/`, no trailing `/` or `.lock`, no `@{`.
 */
export const GitBranchNameSchema = z
  .string()
  .min(1)
  .max(200)
  .refine(
    (name) =>
      !name.split('').some((ch) => ch.charCodeAt(0) <= 0x20 || ch.charCodeAt(0) === 0x7f) &&
      !/[~^:?*[\\]/.test(name) &&
      !name.includes('..') &&
      !name.includes('@{') &&
      !name.includes('//') &&
      !/^[-/.]/.test(name) &&
      !/(\/|\.lock|\.)$/.test(name) &&
      !name.split('/').some((part) => part.startsWith('.')) &&
      name !== '@',
    { message: 'is not a valid git branch name' },
  );

/** `POST /api/git/clone` (agent server) and `POST /git/clone` (action server) body. */
export const GitCloneRequestSchema = z
  .object({
    /** The repository, e.g. `https://github.com/acme/widgets.git`. */
    url: GitRemoteUrlSchema,
    /** The branch to check out; the remote's default branch when absent. */
    branch: GitBranchNameSchema.optional(),
    /** Credentials for a private repository (and for pushing later). */
    auth: GitAuthSchema.optional(),
    /** Shallow clone with this many commits; full history when absent. */
    depth: z.number().int().positive().max(100_000).optional(),
  })
  .strict();
/** A clone request. */
export type GitCloneRequest = z.infer<typeof GitCloneRequestSchema>;

/** `POST /git/clone` result. The workspace must have been empty. */
export const GitCloneResponseSchema = z
  .object({
    /** The branch checked out. */
    branch: z.string(),
    /** Its commit, the base of every later change. */
    commit: z.string().regex(/^[0-9a-f]{40,64}$/),
    /** Files in the checkout (tracked). */
    files: z.number().int().nonnegative(),
  })
  .strict();
/** A clone response. */
export type GitCloneResponse = z.infer<typeof GitCloneResponseSchema>;

/** How a file differs from the clone's base commit. */
export const GitFileStatusSchema = z.enum(['added', 'modified', 'deleted', 'renamed', 'type_changed']);
/** A file status. */
export type GitFileStatus = z.infer<typeof GitFileStatusSchema>;

/** One changed file. */
export const GitChangedFileSchema = z
  .object({
    /** Workspace-relative path, `/`-separated. */
    path: z.string(),
    /** What happened to it. */
    status: GitFileStatusSchema,
    /** The path it had before a rename. */
    oldPath: z.string().optional(),
  })
  .strict();
/** A changed file. */
export type GitChangedFile = z.infer<typeof GitChangedFileSchema>;

/** The largest patch `GET /git/changes` returns (5 MiB); a larger one is cut and marked `truncated`. */
export const MAX_GIT_PATCH_BYTES = 5 * 1024 * 1024;

/**
 * `GET /api/git/changes` (agent server) and `GET /git/changes` (action server) result: the
 * workspace (committed or not, untracked files included, ignored files left out) against the
 * clone's base commit.
 */
export const GitChangesResponseSchema = z
  .object({
    /** The branch checked out now. */
    branch: z.string(),
    /** The commit the clone started from. */
    baseCommit: z.string(),
    /** The files that differ from it, sorted by path. */
    files: z.array(GitChangedFileSchema),
    /** `git diff --binary` from the base commit: `git apply` takes it. */
    patch: z.string(),
    /** True when the patch was longer than {@link MAX_GIT_PATCH_BYTES} and was cut. */
    truncated: z.boolean(),
  })
  .strict();
/** A changes response. */
export type GitChangesResponse = z.infer<typeof GitChangesResponseSchema>;

/** Who a commit is by. */
export const GitIdentitySchema = z
  .object({
    name: z.string().min(1).max(200),
    email: z.string().min(3).max(320).regex(/^[^<>\n]+@[^<>\n]+$/, 'must be an email address'),
  })
  .strict();
/** A commit identity. */
export type GitIdentity = z.infer<typeof GitIdentitySchema>;

/**
 * `POST /api/git/push` (agent server) and `POST /git/push` (action server) body: commits every
 * change in the workspace (as with `git add -A`) onto a new branch from the base commit and pushes
 * it to the clone's remote. Never forces: a branch that already exists on the remote is
 * `branch_exists` (409) and the commit stays in the workspace for another try.
 */
export const GitPushRequestSchema = z
  .object({
    /** The new branch, e.g. `handoff/issue-12-fix-the-sum`. */
    branch: GitBranchNameSchema,
    /** The commit message. */
    message: z.string().min(1).max(20_000),
    /** Author and committer of the commit. */
    author: GitIdentitySchema,
    /** Credentials for the push. */
    auth: GitAuthSchema.optional(),
  })
  .strict();
/** A push request. */
export type GitPushRequest = z.infer<typeof GitPushRequestSchema>;

/** `POST /git/push` result. */
export const GitPushResponseSchema = z
  .object({
    /** The branch pushed. */
    branch: z.string(),
    /** The pushed commit. */
    commit: z.string(),
    /** The commit it is based on (the clone's). */
    baseCommit: z.string(),
    /** The files the commit changes. */
    files: z.array(GitChangedFileSchema),
  })
  .strict();
/** A push response. */
export type GitPushResponse = z.infer<typeof GitPushResponseSchema>;

/**
 * `POST /git/commit` of the action server (the agent server calls it for a push): commits every
 * change in the workspace (as with `git add -A`) onto branch `branch` at the current commit, with
 * the workspace's hooks and command-running settings off, and writes a git bundle of the branch
 * for the agent server to push from. No credentials are involved: the push happens outside the
 * workspace, so nothing the agent left in `.git` (hooks, config, remotes) ever sees the token.
 */
export const GitCommitRequestSchema = z
  .object({
    /** The branch to commit onto (created or moved to the current commit). */
    branch: GitBranchNameSchema,
    /** The commit message. */
    message: z.string().min(1).max(20_000),
    /** Author and committer. */
    author: GitIdentitySchema,
  })
  .strict();
/** A commit request. */
export type GitCommitRequest = z.infer<typeof GitCommitRequestSchema>;

/** `POST /git/commit` result. */
export const GitCommitResponseSchema = z
  .object({
    /** The branch. */
    branch: z.string(),
    /** Its commit now (a new one, or the agent's own last commit when nothing was left to commit). */
    commit: z.string(),
    /** The clone's base commit. */
    baseCommit: z.string(),
    /** The files that differ from the base commit. */
    files: z.array(GitChangedFileSchema),
    /** Absolute path of a `git bundle` holding `refs/heads/<branch>` (inside the workspace's `.git`). */
    bundlePath: z.string(),
  })
  .strict();
/** A commit response. */
export type GitCommitResponse = z.infer<typeof GitCommitResponseSchema>;
