import type { ConversationInfo, ConversationList, ConversationListQuery } from '@handoff/protocol';
import { z } from 'zod';
import { AgentServerError } from '../errors';

// The token is the sort key of the last item of the page; opaque to clients.
const PageTokenSchema = z.tuple([z.iso.datetime(), z.string()]);

function encodeToken(info: ConversationInfo): string {
  return Buffer.from(JSON.stringify([info.createdAt, info.id]), 'utf8').toString('base64url');
}

function decodeToken(token: string): [string, string] {
  try {
    const parsed = PageTokenSchema.safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // Falls through to the error below.
  }
  throw new AgentServerError(
    'invalid_request',
    'Invalid pageToken: pass the nextPageToken of the previous page.',
  );
}

/** Newest first; the id breaks ties so the order is total and pages never overlap. */
function newerFirst(a: ConversationInfo, b: ConversationInfo): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  if (a.id === b.id) return 0;
  return a.id < b.id ? 1 : -1;
}

/**
 * One page of conversations, newest first, filtered by state. A conversation created after the
 * first page was read sorts before the cursor, so it never shifts later pages.
 */
export function pageConversations(all: ConversationInfo[], query: ConversationListQuery): ConversationList {
  const after = query.pageToken === undefined ? undefined : decodeToken(query.pageToken);
  const matching = all
    .filter((info) => query.state === undefined || info.state === query.state)
    .filter(
      (info) => after === undefined || newerFirst(info, { ...info, createdAt: after[0], id: after[1] }) > 0,
    )
    .sort(newerFirst);
  const items = matching.slice(0, query.limit);
  const last = items[items.length - 1];
  return matching.length > items.length && last !== undefined
    ? { items, nextPageToken: encodeToken(last) }
    : { items };
}
