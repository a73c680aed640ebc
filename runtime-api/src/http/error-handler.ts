import type { Context } from 'hono';
import { errorBody } from '@handoff/protocol';
import { RuntimeApiError } from '../errors';
import { errorFields } from '../log';
import type { Logger } from '../log';

/**
 * The one mapping from a thrown error to an HTTP response (Hono's `app.onError`). A
 * {@link RuntimeApiError} becomes its status and `ErrorBody`; anything else is logged and
 * becomes a 500 `internal_error` whose body reveals nothing.
 */
export function createErrorHandler(logger: Logger): (error: Error, c: Context) => Response {
  return (error, c) => {
    const request = { method: c.req.method, path: c.req.path };
    if (error instanceof RuntimeApiError) {
      if (error.status >= 500)
        logger.error('request failed', { ...request, code: error.code, error: errorFields(error) });
      else if (error.code === 'invalid_request')
        logger.info('invalid request', { ...request, details: error.details });
      return c.json(errorBody(error.code, error.message, error.details), error.status);
    }
    logger.error('unexpected error', { ...request, error: errorFields(error) });
    return c.json(
      errorBody('internal_error', 'Something unexpected broke in runtime-api; the details are in its log.'),
      500,
    );
  };
}
