import { invalidRequestBody } from '@handoff/protocol';
import type { Context } from 'hono';
import type { z } from 'zod';
import { AgentServerError } from '../errors';

/**
 * Reads the JSON body and parses it with `schema`. Malformed JSON and a schema mismatch are both
 * `invalid_request` (400); the body itself is never echoed.
 */
export async function readJsonBody<T>(c: Context, schema: z.ZodType<T>, what: string): Promise<T> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch (error) {
    throw new AgentServerError('invalid_request', `Invalid ${what}: the body is not valid JSON.`, {
      cause: error,
    });
  }
  return parseWith(schema, raw, what);
}

/** Parses the query string with `schema`. */
export function readQuery<T>(c: Context, schema: z.ZodType<T>, what: string): T {
  return parseWith(schema, c.req.query(), what);
}

function parseWith<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const body = invalidRequestBody(what, parsed.error);
  throw new AgentServerError(body.code, body.message, { ...(body.details ? { details: body.details } : {}) });
}
