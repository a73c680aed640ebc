import {
  ConversationIdSchema,
  CreateConversationRequestSchema,
  EventsPageQuerySchema,
  SendMessageRequestSchema,
} from '@handoff/protocol';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ConversationService } from '../conversation/conversation-service';
import { conversationNotFound } from '../errors';
import { readJsonBody, readQuery } from './validate';

/** The conversation id of the path; an id that cannot exist is simply not found. */
function conversationId(c: Context): string {
  const parsed = ConversationIdSchema.safeParse(c.req.param('id'));
  if (!parsed.success) throw conversationNotFound();
  return parsed.data;
}

/** `/api/conversations` routes: each parses, delegates to the service and answers. */
export function conversationRoutes(service: ConversationService) {
  return new Hono()
    .post('/', async (c) =>
      c.json(
        await service.create(
          await readJsonBody(c, CreateConversationRequestSchema, 'create-conversation request'),
        ),
        201,
      ),
    )
    .get('/', (c) => c.json(service.list()))
    .get('/:id', (c) => c.json(service.get(conversationId(c))))
    .post('/:id/messages', async (c) => {
      const id = conversationId(c);
      service.get(id);
      const body = await readJsonBody(c, SendMessageRequestSchema, 'send-message request');
      return c.json(await service.sendMessage(id, body.text), 202);
    })
    .post('/:id/interrupt', async (c) => c.json(await service.interrupt(conversationId(c))))
    .get('/:id/events', (c) => {
      const id = conversationId(c);
      service.get(id);
      return c.json(service.readEvents(id, readQuery(c, EventsPageQuerySchema, 'events query')));
    });
}
