import type { Context } from 'hono';
import type { Logger } from '../log';
/**
 * The one mapping from a thrown error to an HTTP response (Hono's `app.onError`). A
 * {@link RuntimeApiError} becomes its status and `ErrorBody`; anything else is logged and
 * becomes a 500 `internal_error` whose body reveals nothing.
 */
export declare function createErrorHandler(logger: Logger): (error: Error, c: Context) => Response;
