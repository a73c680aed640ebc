import type { ErrorBody, ErrorCode } from './errors';

/** The minimal shape of a validation failure (zod's `ZodError` fits it). */
export interface ValidationFailure {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}

/**
 * An `invalid_request` body that names each offending field, so a caller knows what to fix.
 * The raw input is never echoed back.
 */
export function invalidRequestBody(what: string, failure: ValidationFailure): ErrorBody {
  const issues = failure.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  const first = issues[0];
  const summary = first ? ` ${first.path}: ${first.message}` : '';
  return {
    code: 'invalid_request',
    message: `Invalid ${what}.${summary}${issues.length > 1 ? ` (and ${String(issues.length - 1)} more)` : ''}`,
    details: { issues },
  };
}

/** Builds an error body. */
export function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>): ErrorBody {
  return details ? { code, message, details } : { code, message };
}

/**
 * Compares two secrets in time that depends only on their lengths, not on where they differ.
 * Pure so every server can use it; `expected` is the server's own key.
 */
export function constantTimeEqual(given: string, expected: string): boolean {
  let diff = given.length ^ expected.length;
  for (let i = 0; i < expected.length; i += 1) {
    diff |= (given.charCodeAt(i % Math.max(given.length, 1)) || 0) ^ expected.charCodeAt(i);
  }
  return diff === 0;
}
