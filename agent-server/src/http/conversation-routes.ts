import {
  ConfirmRequestSchema,
  ConversationIdSchema,
  ConversationListQuerySchema,
  CreateConversationRequestSchema,
  EventsPageQuerySchema,
  SendMessageRequestSchema,
  SetConfirmationPolicyRequestSchema,
} from '@handoff/protocol';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ConversationService } from '../conversation/conversation-service';
import { conversationNotFound } from '../errors';
import { readJsonBody, readQuery } from './validate';

/** The id of the path, once it names a conversation here; otherwise `conversation_not_found`. */
function conversationId(c: Context, service: ConversationService): string {
  const parsed = ConversationIdSchema.safeParse(c.req.param('id'));
  if (!parsed.success) throw conversationNotFound();
  // Looked up before the body is read, so an unknown id is a 404 whatever the body says.
  service.get(parsed.data);
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
    .get('/', (c) =>
      c.json(service.list(readQuery(c, ConversationListQuerySchema, 'conversation-list query'))),
    )
    .get('/:id', (c) => c.json(service.get(conversationId(c, service))))
    .delete('/:id', async (c) => {
      await service.delete(conversationId(c, service));
      return c.body(null, 204);
    })
    .post('/:id/messages', async (c) => {
      const id = conversationId(c, service);
      const body = await readJsonBody(c, SendMessageRequestSchema, 'send-message request');
      return c.json(await service.sendMessage(id, body.text), 202);
    })
    .post('/:id/interrupt', async (c) => c.json(await service.interrupt(conversationId(c, service))))
    .post('/:id/pause', async (c) => c.json(await service.pause(conversationId(c, service))))
    .post('/:id/run', (c) => c.json(service.run(conversationId(c, service)), 202))
    .post('/:id/confirm', async (c) => {
      const id = conversationId(c, service);
      const body = await readJsonBody(c, ConfirmRequestSchema, 'confirm request');
      return c.json(await service.confirm(id, body), 202);
    })
    .post('/:id/confirmation_policy', async (c) => {
      const id = conversationId(c, service);
      const body = await readJsonBody(c, SetConfirmationPolicyRequestSchema, 'confirmation-policy request');
      return c.json(await service.setConfirmationPolicy(id, body.policy));
    })
    .get('/:id/events', (c) => {
      const id = conversationId(c, service);
      return c.json(service.readEvents(id, readQuery(c, EventsPageQuerySchema, 'events query')));
    });
}
