import { describe, expect, it } from 'vitest';
import {
  ApiError,
  InternalServerError,
  NotConfiguredError,
  UnavailableError,
  errorFromResponse,
  toErrorBody,
} from './errors';

describe('errorFromResponse', () => {
  it('picks the class by status and keeps the body', () => {
    expect(errorFromResponse(503, { code: 'pool_exhausted', message: 'Full.' }, 'x')).toBeInstanceOf(
      UnavailableError,
    );
    expect(errorFromResponse(500, undefined, 'x')).toBeInstanceOf(InternalServerError);
    expect(errorFromResponse(418, undefined, 'x').constructor).toBe(ApiError);
  });

  it('makes a body from the status when the server sent none', () => {
    const error = errorFromResponse(503, 'oops', 'Starting a sandbox');
    expect(error.toErrorBody()).toEqual({
      code: 'sandbox_unavailable',
      message: 'Starting a sandbox failed with HTTP 503.',
    });
  });
});

describe('toErrorBody', () => {
  it('keeps our errors and wraps unknown ones as internal_error', () => {
    expect(toErrorBody(new NotConfiguredError('Set it.'))).toEqual({
      code: 'not_configured',
      message: 'Set it.',
    });
    expect(toErrorBody(new Error('boom'))).toEqual({
      code: 'internal_error',
      message: 'Unexpected error: boom',
    });
  });
});
