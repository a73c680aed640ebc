import { Hono } from 'hono';
import {
  ListSandboxesQuerySchema,
  SandboxIdRequestSchema,
  SandboxIdSchema,
  StartSandboxRequestSchema,
  StopSandboxRequestSchema,
} from '@handoff/protocol';
import type { SandboxInfo, SandboxList, StopSandboxResponse } from '@handoff/protocol';
import { sandboxNotFound } from '../errors';
import type { SandboxProvider } from '../providers/sandbox-provider';
import { pageSandboxes } from './list-page';
import { parseJsonBody, parseWith } from './parse-request';

/** `POST /start` `/stop` `/pause` `/resume`, `GET /sessions/:id` `/list`: each parses, delegates, returns. */
export function sandboxRoutes(provider: SandboxProvider): Hono {
  const routes = new Hono();
  routes.post('/start', async (c) => {
    const request = await parseJsonBody(c, StartSandboxRequestSchema, 'start request');
    return c.json((await provider.start(request)) satisfies SandboxInfo, 201);
  });
  routes.post('/stop', async (c) => {
    const { id } = await parseJsonBody(c, StopSandboxRequestSchema, 'stop request');
    await provider.stop(id);
    return c.json({ id, status: 'stopped' } satisfies StopSandboxResponse);
  });
  routes.post('/pause', async (c) => {
    const { id } = await parseJsonBody(c, SandboxIdRequestSchema, 'pause request');
    return c.json((await provider.pause(id)) satisfies SandboxInfo);
  });
  routes.post('/resume', async (c) => {
    const { id } = await parseJsonBody(c, SandboxIdRequestSchema, 'resume request');
    return c.json((await provider.resume(id)) satisfies SandboxInfo);
  });
  routes.get('/sessions/:id', async (c) => {
    const id = parseWith(SandboxIdSchema, c.req.param('id'), 'sandbox id');
    const info = await provider.get(id);
    if (!info) throw sandboxNotFound(id);
    return c.json(info satisfies SandboxInfo);
  });
  routes.get('/list', async (c) => {
    const query = parseWith(ListSandboxesQuerySchema, c.req.query(), 'list query');
    return c.json(pageSandboxes(await provider.list(), query) satisfies SandboxList);
  });
  return routes;
}
