/**
 * @module A real git server on loopback for tests: bare repositories under one folder, served
 * over git's smart HTTP by the real `git http-backend` (CGI), behind GitHub-style Basic auth
 * (any user name, a token as the password). Unknown tokens get 401; a token without push
 * rights gets GitHub's 403 "Permission to … denied" on a push.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** One request as the server saw it (never the token). */
export interface GitBackendRequest {
  path: string;
  /** Whether it came with credentials the server accepted. */
  authorized: boolean;
  status: number;
}

/** A running git server. */
export interface GitHttpBackend {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request, in order. */
  requests: GitBackendRequest[];
  /** The clone URL of `<root>/<name>.git`. */
  repoUrl(name: string): string;
  close(): Promise<void>;
}

const ISOLATED = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C' };

/** Git with no system or global config, in `cwd`; throws with git's stderr when it fails. */
export function gitSync(cwd: string, args: readonly string[], env: Record<string, string> = {}): string {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: cwd,
      ...ISOLATED,
      GIT_TERMINAL_PROMPT: '0',
      ...env,
    },
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** Serves the bare repositories under `root`; `tokens` maps each accepted token to its rights. */
export async function startGitHttpBackend(options: {
  root: string;
  tokens: Record<string, { push: boolean }>;
}): Promise<GitHttpBackend> {
  const requests: GitBackendRequest[] = [];
  const server = createServer((request, response) => {
    const record: GitBackendRequest = { path: request.url ?? '', authorized: false, status: 0 };
    requests.push(record);
    response.on('finish', () => {
      record.status = response.statusCode;
    });
    const token = basicPassword(request.headers.authorization);
    const grant = token === undefined ? undefined : options.tokens[token];
    if (grant === undefined) {
      request.resume();
      response
        .writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"' })
        .end('Invalid username or token.\n');
      return;
    }
    record.authorized = true;
    const url = new URL(request.url ?? '/', 'http://localhost');
    const repo = url.pathname.split('/')[1] ?? '';
    if (
      !grant.push &&
      (url.pathname.endsWith('/git-receive-pack') || url.search.includes('git-receive-pack'))
    ) {
      request.resume();
      response.writeHead(403).end(`Permission to ${repo} denied to x-access-token.\n`);
      return;
    }
    runBackend(options.root, url, request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return {
    url,
    requests,
    repoUrl: (name) => `${url}/${name}.git`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

function basicPassword(header: string | undefined): string | undefined {
  const match = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(colon + 1);
}

/** Runs `git http-backend` for one request and relays its CGI answer. */
function runBackend(root: string, url: URL, request: IncomingMessage, response: ServerResponse): void {
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      ...ISOLATED,
      GIT_PROJECT_ROOT: path.resolve(root),
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      REQUEST_METHOD: request.method ?? 'GET',
      CONTENT_TYPE: request.headers['content-type'] ?? '',
      HTTP_CONTENT_ENCODING: request.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: String(request.headers['git-protocol'] ?? ''),
      REMOTE_USER: 'x-access-token',
      REMOTE_ADDR: '127.0.0.1',
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  request.pipe(child.stdin);
  child.stdin.on('error', () => undefined);
  let head = Buffer.alloc(0);
  let started = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (started) {
      response.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) return;
    started = true;
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else if (name !== '') headers[name] = value;
    }
    response.writeHead(status, headers);
    response.write(head.subarray(end + 4));
  });
  child.on('close', () => {
    if (!started) response.writeHead(502);
    response.end();
  });
}
