/**
 * @module The state behind `GitHubStandIn`: tokens, repositories, issues, comments, pull requests
 * and branches, seeded by tests and changed by the stand-in's write routes. Issues and pull
 * requests share one number sequence per repository, as on GitHub.
 */

/** A token the stand-in accepts, and what it may do. */
export interface StandInToken {
  token: string;
  /** The user the token belongs to (`GET /user`'s `login`). */
  login: string;
  /** May push, so `POST …/pulls` is allowed and `permissions.push` is true; default true. */
  push?: boolean;
  /** May comment on issues; default true. */
  comment?: boolean;
  /** Sent back as `x-oauth-scopes` (a classic token's scopes); none by default. */
  scopes?: string[];
}

/** A repository to seed. */
export interface StandInRepoSeed {
  owner: string;
  name: string;
  /** Default `main`; it exists as a branch from the start. */
  defaultBranch?: string;
  private?: boolean;
  /** Branches that exist besides the default one (see `GitHubStandIn.addBranch`). */
  branches?: string[];
  /** False answers a draft pull request with GitHub's 422 (private repos on free plans). */
  draftPullRequests?: boolean;
}

/** An issue to seed; `number` comes from the repository's sequence unless given. */
export interface StandInIssueSeed {
  number?: number;
  title: string;
  body?: string | null;
  state?: 'open' | 'closed';
  /** Author's login; default `octocat`. */
  user?: string;
  labels?: string[];
}

export interface StoredRepo {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  private: boolean;
  branches: Set<string>;
  draftPullRequests: boolean;
  nextNumber: number;
}

export interface StoredIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  user: string;
  labels: string[];
  createdAt: string;
}

export interface StoredComment {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
}

export interface StoredPull {
  id: number;
  number: number;
  title: string;
  body: string | null;
  draft: boolean;
  state: 'open' | 'closed';
  user: string;
  /** Branch name in this repository (forks are not modelled). */
  head: string;
  base: string;
  createdAt: string;
}

interface RepoState {
  repo: StoredRepo;
  issues: Map<number, StoredIssue>;
  comments: StoredComment[];
  pulls: Map<number, StoredPull>;
}

/** GitHub's timestamp format: ISO 8601 in UTC, whole seconds. */
export function githubTime(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Repositories and tokens, keyed case-insensitively like GitHub's owner/name. */
export class GitHubStandInStore {
  private readonly tokens = new Map<string, StandInToken>();
  private readonly repos = new Map<string, RepoState>();
  private readonly userIds = new Map<string, number>();
  private nextId = 1000;

  addToken(token: StandInToken): void {
    this.tokens.set(token.token, token);
  }

  findToken(token: string): StandInToken | undefined {
    return this.tokens.get(token);
  }

  userId(login: string): number {
    const known = this.userIds.get(login);
    if (known !== undefined) return known;
    const id = this.newId();
    this.userIds.set(login, id);
    return id;
  }

  addRepo(seed: StandInRepoSeed): StoredRepo {
    const defaultBranch = seed.defaultBranch ?? 'main';
    const repo: StoredRepo = {
      id: this.newId(),
      owner: seed.owner,
      name: seed.name,
      defaultBranch,
      private: seed.private ?? false,
      branches: new Set([defaultBranch, ...(seed.branches ?? [])]),
      draftPullRequests: seed.draftPullRequests ?? true,
      nextNumber: 1,
    };
    this.repos.set(key(seed.owner, seed.name), {
      repo,
      issues: new Map(),
      comments: [],
      pulls: new Map(),
    });
    return repo;
  }

  findRepo(owner: string, name: string): StoredRepo | undefined {
    return this.repos.get(key(owner, name))?.repo;
  }

  addIssue(owner: string, name: string, seed: StandInIssueSeed): StoredIssue {
    const state = this.state(owner, name);
    const number = seed.number ?? state.repo.nextNumber;
    state.repo.nextNumber = Math.max(state.repo.nextNumber, number + 1);
    const issue: StoredIssue = {
      id: this.newId(),
      number,
      title: seed.title,
      body: seed.body ?? null,
      state: seed.state ?? 'open',
      user: seed.user ?? 'octocat',
      labels: seed.labels ?? [],
      createdAt: githubTime(),
    };
    state.issues.set(number, issue);
    return issue;
  }

  /** Issues, newest first (GitHub's default `sort=created&direction=desc`). */
  issues(owner: string, name: string): StoredIssue[] {
    return [...this.state(owner, name).issues.values()].sort((a, b) => b.number - a.number);
  }

  findIssue(owner: string, name: string, number: number): StoredIssue | undefined {
    return this.state(owner, name).issues.get(number);
  }

  addComment(owner: string, name: string, comment: Omit<StoredComment, 'id' | 'createdAt'>): StoredComment {
    const stored: StoredComment = { ...comment, id: this.newId(), createdAt: githubTime() };
    this.state(owner, name).comments.push(stored);
    return stored;
  }

  /** An issue's comments, oldest first. */
  comments(owner: string, name: string, issueNumber: number): StoredComment[] {
    return this.state(owner, name).comments.filter((c) => c.issueNumber === issueNumber);
  }

  addPull(
    owner: string,
    name: string,
    pull: Omit<StoredPull, 'id' | 'number' | 'createdAt' | 'state'>,
  ): StoredPull {
    const state = this.state(owner, name);
    const number = state.repo.nextNumber++;
    const stored: StoredPull = { ...pull, id: this.newId(), number, state: 'open', createdAt: githubTime() };
    state.pulls.set(number, stored);
    return stored;
  }

  /** Pull requests, newest first. */
  pulls(owner: string, name: string): StoredPull[] {
    return [...this.state(owner, name).pulls.values()].sort((a, b) => b.number - a.number);
  }

  findPull(owner: string, name: string, number: number): StoredPull | undefined {
    return this.state(owner, name).pulls.get(number);
  }

  private state(owner: string, name: string): RepoState {
    const state = this.repos.get(key(owner, name));
    if (!state) throw new Error(`The GitHub stand-in has no repository ${owner}/${name}: seed it first.`);
    return state;
  }

  private newId(): number {
    return this.nextId++;
  }
}

function key(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}
