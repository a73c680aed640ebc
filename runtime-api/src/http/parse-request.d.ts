import type { Context } from 'hono';
import type { z } from 'zod';
/**
 * Reads the JSON body and parses it with `schema`. An empty body counts as `{}`, so
 * `curl -X POST .../start` works. Malformed JSON and schema mismatches are `invalid_request`.
 */
export declare function parseJsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  what: string,
): Promise<z.output<S>>;
/** Parses `value` (a query, a path parameter) with `schema`; a mismatch is `invalid_request` naming the field. */
export declare function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S>;
