import type { ListSandboxesQuery, SandboxInfo, SandboxList } from '@handoff/protocol';
import { SandboxIdSchema } from '@handoff/protocol';
import { z } from 'zod';
import { RuntimeApiError } from '../errors';

// A token names the last sandbox of the page it ends, so a sandbox stopped in between skips nothing.
const CursorSchema = z.tuple([z.iso.datetime(), SandboxIdSchema]);
type Cursor = z.infer<typeof CursorSchema>;

/** One page of `sandboxes` (oldest first) that match `query`, with an opaque `nextPageToken`. */
export function pageSandboxes(sandboxes: readonly SandboxInfo[], query: ListSandboxesQuery): SandboxList {
  const after = query.pageToken === undefined ? undefined : decodePageToken(query.pageToken);
  const matching = sandboxes
    .filter((info) => query.status === undefined || info.status === query.status)
    .sort(compareAge)
    .filter((info) => after === undefined || compareAge(info, { createdAt: after[0], id: after[1] }) > 0);
  const items = matching.slice(0, query.limit);
  const last = items.at(-1);
  return matching.length > items.length && last
    ? { items, nextPageToken: encodePageToken([last.createdAt, last.id]) }
    : { items };
}

function compareAge(
  a: Pick<SandboxInfo, 'createdAt' | 'id'>,
  b: Pick<SandboxInfo, 'createdAt' | 'id'>,
): number {
  const byTime = Date.parse(a.createdAt) - Date.parse(b.createdAt);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function encodePageToken(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodePageToken(token: string): Cursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const cursor = CursorSchema.safeParse(value);
  if (cursor.success) return cursor.data;
  throw new RuntimeApiError(
    'invalid_request',
    'Invalid list query. pageToken: not a token from a previous /list response.',
    {
      details: { issues: [{ path: 'pageToken', message: 'not a token from a previous /list response' }] },
    },
  );
}
