/**
 * @module A real git server on loopback for clone and push in tests: bare repositories under one
 * root, served over git's smart HTTP protocol by the real `git http-backend` run as CGI, behind
 * GitHub-style HTTP Basic auth (any username, a token as the password).
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  basicCredentials,
  collectPushCommands,
  headerText,
  pipeCgiResponse,
  serviceOf,
} from './git-http-server-cgi';

/** What a token may do: every known token may clone; `push` also allows git-receive-pack. */
export interface TokenGrant {
  push: boolean;
}

export interface GitHttpServerOptions {
  /** Folder that holds the bare repositories, as `<root>/<owner>/<repo>.git`. */
  root: string;
  /** Accepted tokens (sent as the Basic password, GitHub's `x-access-token:<token>` style). */
  tokens: Record<string, TokenGrant>;
}

/** The two smart-protocol services. */
export type GitService = 'git-upload-pack' | 'git-receive-pack';

/** One HTTP request as the server saw it. Never holds the token. */
export interface GitRequestRecord {
  method: string;
  /** URL path without the query, e.g. `/acme/widgets.git/info/refs`. */
  path: string;
  service: GitService | undefined;
  /** Whether an `Authorization` header came with the request. */
  credentialsSent: boolean;
  /** The Basic username, when credentials were sent. */
  username: string | undefined;
  /** Whether the body came `content-encoding: gzip`. */
  gzipped: boolean;
  status: number;
}

/** A ref a push changed; `newSha` is all zeros for a deleted ref. */
export interface RefUpdate {
  ref: string;
  oldSha: string;
  newSha: string;
}

/** One git-receive-pack request that changed at least one ref. */
export interface PushRecord {
  owner: string;
  repo: string;
  username: string | undefined;
  /** The updates receive-pack applied (rejected ones are left out). */
  updates: RefUpdate[];
}

/** A bare repository on the server. */
export interface BareRepo {
  owner: string;
  repo: string;
  /** Absolute path of the bare repository on disk. */
  path: string;
  /** Clone URL without credentials. */
  cloneUrl: string;
}

/** Outcome of {@link runGit}: a non-zero exit is data, not an exception. */
export interface GitRunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const ZERO_SHA = '0'.repeat(40);
const NAME = /^[A-Za-z0-9_.-]+$/;
const REPO_PATH = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/(.+)$/;

/**
 * Runs git with no global or system config (so a developer's settings cannot leak into tests)
 * and with terminal prompts off (so a refused credential fails instead of waiting for input).
 */
export function runGit(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<GitRunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd: options.cwd, env: { ...isolatedGitEnv(), ...options.env }, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`git could not run: ${error.message}`, { cause: error }));
          return;
        }
        resolve({ exitCode: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** The environment {@link runGit} uses, for callers that spawn git themselves. */
export function isolatedGitEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
  };
}

async function gitOk(args: readonly string[], cwd?: string): Promise<string> {
  const result = await runGit(args, { cwd });
  if (result.exitCode !== 0) {
    throw new Error(`git ${args.join(' ')} failed (${String(result.exitCode)}): ${result.stderr}`);
  }
  return result.stdout;
}

/** Serves bare repositories over smart HTTP on 127.0.0.1, recording requests and pushes. */
export class GitHttpServer {
  readonly requests: GitRequestRecord[] = [];
  readonly pushes: PushRecord[] = [];
  private readonly children = new Set<ChildProcess>();

  private constructor(
    private readonly server: Server,
    private readonly options: GitHttpServerOptions,
  ) {}

  static async start(options: GitHttpServerOptions): Promise<GitHttpServer> {
    const holder: { self?: GitHttpServer } = {};
    const server = createServer((request, response) => {
      holder.self?.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(String(error));
      });
    });
    holder.self = new GitHttpServer(server, { root: path.resolve(options.root), tokens: options.tokens });
    await mkdir(holder.self.options.root, { recursive: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return holder.self;
  }

  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${String(port)}`;
  }

  /** `<url>/<owner>/<repo>.git`; never carries credentials. */
  cloneUrl(owner: string, repo: string): string {
    return `${this.url}/${owner}/${repo}.git`;
  }

  /** Absolute path of a repository's bare folder. */
  repoPath(owner: string, repo: string): string {
    return path.join(this.options.root, owner, `${repo}.git`);
  }

  /**
   * Creates a bare repository with receive-pack enabled. With `fromWorkingDir`, pushes all of
   * that repository's branches and tags into it and points HEAD at its current branch.
   */
  async createBareRepo(owner: string, repo: string, fromWorkingDir?: string): Promise<BareRepo> {
    if (!NAME.test(owner) || !NAME.test(repo)) throw new Error(`bad repository name ${owner}/${repo}`);
    const bare = this.repoPath(owner, repo);
    await mkdir(bare, { recursive: true });
    await gitOk(['init', '--quiet', '--bare', '--initial-branch=main', bare]);
    await gitOk(['config', 'http.receivepack', 'true'], bare);
    if (fromWorkingDir !== undefined) {
      await gitOk(['push', '--quiet', bare, '--all'], fromWorkingDir);
      await gitOk(['push', '--quiet', bare, '--tags'], fromWorkingDir);
      const branch = (await gitOk(['symbolic-ref', '--short', 'HEAD'], fromWorkingDir)).trim();
      await gitOk(['symbolic-ref', 'HEAD', `refs/heads/${branch}`], bare);
    }
    return { owner, repo, path: bare, cloneUrl: this.cloneUrl(owner, repo) };
  }

  /** Every ref of a repository (`refs/heads/main` → sha), read from disk. */
  async refs(owner: string, repo: string): Promise<Record<string, string>> {
    const out = await gitOk(
      ['for-each-ref', '--format=%(objectname) %(refname)'],
      this.repoPath(owner, repo),
    );
    const refs: Record<string, string> = {};
    for (const line of out.split('\n')) {
      const [sha, ref] = line.split(' ');
      if (sha && ref) refs[ref] = sha;
    }
    return refs;
  }

  async close(): Promise<void> {
    for (const child of this.children) child.kill('SIGKILL');
    this.server.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const service = serviceOf(url);
    const credentials = basicCredentials(request.headers.authorization);
    const gzipped = /^(x-)?gzip$/i.test(request.headers['content-encoding'] ?? '');
    const record: GitRequestRecord = {
      method: request.method ?? '',
      path: url.pathname,
      service,
      credentialsSent: request.headers.authorization !== undefined,
      username: credentials?.username,
      gzipped,
      status: 0,
    };
    this.requests.push(record);
    const grant = credentials ? this.options.tokens[credentials.token] : undefined;
    const match = REPO_PATH.exec(url.pathname);
    if (grant === undefined) {
      record.status = 401;
      request.resume();
      response.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain' });
      response.end('Invalid username or token.\n');
      return;
    }
    if (service === 'git-receive-pack' && !grant.push) {
      record.status = 403;
      request.resume();
      response.writeHead(403, { 'content-type': 'text/plain' });
      response.end(
        `Permission to ${match?.[1] ?? ''}/${match?.[2] ?? ''}.git denied to ${credentials?.username ?? ''}.\n`,
      );
      return;
    }
    const body: Readable = gzipped ? request.pipe(createGunzip()) : request;
    const isPush = request.method === 'POST' && url.pathname.endsWith('/git-receive-pack');
    const commands = isPush ? collectPushCommands(body) : undefined;
    const exitCode = await this.runBackend({
      request,
      response,
      body,
      url,
      record,
      username: credentials?.username,
    });
    if (commands && match && exitCode === 0) {
      await this.recordPush(match[1] ?? '', match[2] ?? '', credentials?.username, commands());
    }
    response.end();
  }

  /** Runs `git http-backend` for one request; resolves with its exit code, body not yet ended. */
  private runBackend(input: {
    request: IncomingMessage;
    response: ServerResponse;
    body: Readable;
    url: URL;
    record: GitRequestRecord;
    username: string | undefined;
  }): Promise<number> {
    const { request, response, body, url, record } = input;
    const child = spawn('git', ['http-backend'], {
      env: {
        ...isolatedGitEnv(),
        GIT_PROJECT_ROOT: this.options.root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.replace(/^\?/, ''),
        REQUEST_METHOD: request.method ?? 'GET',
        CONTENT_TYPE: request.headers['content-type'] ?? '',
        REMOTE_USER: input.username ?? '',
        REMOTE_ADDR: request.socket.remoteAddress ?? '127.0.0.1',
        GIT_PROTOCOL: headerText(request.headers['git-protocol']),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.children.add(child);
    body.pipe(child.stdin);
    child.stdin.on('error', () => undefined);
    response.on('close', () => {
      if (!response.writableFinished) child.kill('SIGKILL');
    });
    const stderr: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    pipeCgiResponse(child.stdout, response, (status) => {
      record.status = status;
    });
    return new Promise((resolve) => {
      child.on('error', () => {
        resolve(-1);
      });
      child.on('close', (code) => {
        this.children.delete(child);
        if (!response.headersSent) {
          record.status = 502;
          response.writeHead(502, { 'content-type': 'text/plain' });
          response.write(Buffer.concat(stderr));
        }
        resolve(code ?? -1);
      });
    });
  }

  private async recordPush(
    owner: string,
    repo: string,
    username: string | undefined,
    commands: RefUpdate[],
  ): Promise<void> {
    const refs = await this.refs(owner, repo);
    const updates = commands.filter((c) =>
      c.newSha === ZERO_SHA ? !(c.ref in refs) : refs[c.ref] === c.newSha,
    );
    if (updates.length > 0) this.pushes.push({ owner, repo, username, updates });
  }
}
