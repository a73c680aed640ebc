import { GitCloneRequestSchema, GitPushRequestSchema } from '@handoff/protocol';
import { Hono } from 'hono';
import type { GitService } from '../git/git-service';
import { readJsonBody } from './validate';

/** What the `/api/git` routes delegate to. */
export interface GitRoutesOptions {
  git: GitService;
}

/**
 * `/api/git` routes for the solve flow: `POST /clone` into the empty workspace, `GET /changes`
 * against the clone, `POST /push` (commit in the sandbox, push from the agent server).
 */
export function gitRoutes(options: GitRoutesOptions) {
  const { git } = options;
  return new Hono()
    .post('/clone', async (c) =>
      c.json(
        await git.clone(await readJsonBody(c, GitCloneRequestSchema, 'git clone request'), c.req.raw.signal),
      ),
    )
    .get('/changes', async (c) => c.json(await git.changes(c.req.raw.signal)))
    .post('/push', async (c) =>
      c.json(
        await git.push(await readJsonBody(c, GitPushRequestSchema, 'git push request'), c.req.raw.signal),
      ),
    );
}
