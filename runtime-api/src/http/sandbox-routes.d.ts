import { Hono } from 'hono';
import type { SandboxProvider } from '../providers/sandbox-provider';
/** `POST /start` `/stop` `/pause` `/resume`, `GET /sessions/:id` `/list`: each parses, delegates, returns. */
export declare function sandboxRoutes(provider: SandboxProvider): Hono;
