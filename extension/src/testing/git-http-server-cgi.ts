/**
 * @module The protocol pieces behind `GitHttpServer`: GitHub-style Basic credentials, the
 * CGI response of `git http-backend`, and the pkt-line commands at the start of a push.
 */
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { GitService, RefUpdate } from './git-http-server';

/** Push commands come first in a receive-pack body; stop looking after this many bytes. */
const COMMANDS_SCAN_LIMIT = 1 << 20;

export function serviceOf(url: URL): GitService | undefined {
  const name = url.pathname.endsWith('/info/refs')
    ? url.searchParams.get('service')
    : url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
  return name === 'git-upload-pack' || name === 'git-receive-pack' ? name : undefined;
}

export function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

/** `Basic` credentials; the token is the password, or the username when no password is given. */
export function basicCredentials(
  header: string | undefined,
): { username: string; token: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const username = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  return { username, token: password === '' ? username : password };
}

/** Parses the CGI header block (`Status:` plus headers) and streams the rest to `response`. */
export function pipeCgiResponse(
  stdout: Readable,
  response: ServerResponse,
  onStatus: (status: number) => void,
): void {
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    head = Buffer.concat([head, chunk]);
    const crlf = head.indexOf('\r\n\r\n');
    const lf = head.indexOf('\n\n');
    const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : -1;
    if (end < 0) return;
    stdout.off('data', onData);
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString('latin1').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'status') status = Number.parseInt(value, 10) || 200;
      else headers[name] = value;
    }
    onStatus(status);
    response.writeHead(status, headers);
    response.write(head.subarray(end));
    stdout.pipe(response, { end: false });
  };
  stdout.on('data', onData);
}

/**
 * Watches a receive-pack request body for its pkt-line commands (`<old> <new> <ref>\0caps`, up to
 * the flush packet) without consuming it; the returned function gives what was seen.
 */
export function collectPushCommands(body: Readable): () => RefUpdate[] {
  const commands: RefUpdate[] = [];
  let buffer = Buffer.alloc(0);
  let done = false;
  const onData = (chunk: Buffer): void => {
    buffer = Buffer.concat([buffer, chunk]);
    while (!done && buffer.length >= 4) {
      const length = Number.parseInt(buffer.subarray(0, 4).toString('latin1'), 16);
      if (Number.isNaN(length) || length === 0) {
        done = true;
        break;
      }
      if (buffer.length < length) break;
      const line = buffer.subarray(4, length).toString('latin1').split('\0')[0]?.trim() ?? '';
      const [oldSha, newSha, ref] = line.split(' ');
      if (oldSha && newSha && ref) commands.push({ ref, oldSha, newSha });
      buffer = buffer.subarray(length);
    }
    if (done || buffer.length > COMMANDS_SCAN_LIMIT) body.off('data', onData);
  };
  body.on('data', onData);
  return () => commands;
}
