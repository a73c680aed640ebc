/** Header carrying the runtime API's key on every runtime-api request. */
export const RUNTIME_API_KEY_HEADER = 'X-API-Key';

/** Header carrying a sandbox's own key on every agent-server and action-server request. */
export const SESSION_API_KEY_HEADER = 'X-Session-API-Key';
