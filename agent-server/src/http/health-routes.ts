import type { AliveResponse } from '@handoff/protocol';
import { Hono } from 'hono';

/** `GET /alive`: no auth, reveals nothing but that the server answers. */
export function healthRoutes() {
  return new Hono().get('/alive', (c) => c.json({ status: 'ok' } satisfies AliveResponse));
}
