import type { Context } from 'hono';
import { invalidRequestBody } from '@handoff/protocol';
import type { z } from 'zod';
import { RuntimeApiError } from '../errors';

/**
 * Reads the JSON body and parses it with `schema`. An empty body counts as `{}`, so
 * `curl -X POST .../start` works. Malformed JSON and schema mismatches are `invalid_request`.
 */
export async function parseJsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  what: string,
): Promise<z.output<S>> {
  const text = await c.req.text();
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new RuntimeApiError('invalid_request', 'Request body is not valid JSON', { cause: error });
  }
  return parseWith(schema, value, what);
}

/** Parses `value` (a query, a path parameter) with `schema`; a mismatch is `invalid_request` naming the field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const body = invalidRequestBody(what, result.error);
  throw new RuntimeApiError(body.code, body.message, { details: body.details });
}
