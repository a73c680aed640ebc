import { HTTP_STATUS_BY_ERROR_CODE, errorBody } from '@handoff/protocol';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AgentServerError } from '../errors';
import type { Logger } from '../logger';

export { AgentServerError } from '../errors';

/**
 * The one HTTP error handler (Hono's `app.onError`): an `AgentServerError` becomes its status and
 * `ErrorBody`; anything else is logged and answered with `internal_error`, without details.
 */
export function createErrorHandler(logger: Logger): (error: Error, c: Context) => Response {
  return (error, c) => {
    if (error instanceof AgentServerError) {
      return c.json(error.toBody(), error.status as ContentfulStatusCode);
    }
    if (error instanceof HTTPException && error.status === HTTP_STATUS_BY_ERROR_CODE.payload_too_large) {
      return c.json(errorBody('payload_too_large', 'The request body is too large.'), 413);
    }
    logger.error('Unhandled error in a route', { method: c.req.method, path: c.req.path, error });
    return c.json(
      errorBody('internal_error', 'Something unexpected broke in the agent server; its log has the details.'),
      500,
    );
  };
}

/** Answers a request no route matched. */
export function notFoundHandler(c: Context): Response {
  return c.json(errorBody('route_not_found', `No route for ${c.req.method} ${c.req.path}.`), 404);
}
