import { describe, expect, it } from 'vitest';
import {
  ClientFrameSchema,
  ErrorBodySchema,
  EventSchema,
  EVENT_TYPES,
  HostToWebviewMessageSchema,
  PROTOCOL_VERSION,
  ServerFrameSchema,
  StartSandboxRequestSchema,
  checkCompatibility,
  CreateConversationRequestSchema,
} from './index';
import {
  aCondensationEvent,
  aConfirmationEvent,
  aMessageEvent,
  anActionEvent,
  anAgentStateEvent,
  anErrorEvent,
  anLlmUsageEvent,
  anObservationEvent,
} from './testing/builders';

describe('events', () => {
  it('accepts every builder and knows every type', () => {
    const events = [
      aMessageEvent(),
      anActionEvent(),
      anObservationEvent(),
      anAgentStateEvent(),
      anErrorEvent(),
      anLlmUsageEvent(),
      aCondensationEvent(),
      aConfirmationEvent(),
    ];
    for (const e of events) expect(EventSchema.parse(e)).toEqual(e);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
  });

  it('rejects unknown keys and a zero seq', () => {
    expect(EventSchema.safeParse({ ...aMessageEvent(), extra: 1 }).success).toBe(false);
    expect(EventSchema.safeParse(aMessageEvent({ seq: 0 })).success).toBe(false);
  });
});

describe('socket frames', () => {
  it('parses hello and rejects a frame without type', () => {
    expect(
      ClientFrameSchema.parse({ type: 'hello', protocolVersion: PROTOCOL_VERSION, afterSeq: 3 }),
    ).toMatchObject({ afterSeq: 3 });
    expect(ClientFrameSchema.safeParse({ text: 'hi' }).success).toBe(false);
    expect(ClientFrameSchema.safeParse({ type: 'send_message', text: '' }).success).toBe(false);
  });

  it('wraps events and errors', () => {
    expect(ServerFrameSchema.parse({ type: 'event', event: anActionEvent() }).type).toBe('event');
    expect(
      ServerFrameSchema.parse({ type: 'error', error: { code: 'unauthorized', message: 'no' } }).type,
    ).toBe('error');
  });
});

describe('compatibility', () => {
  it('accepts its own version and explains the others', () => {
    expect(checkCompatibility(PROTOCOL_VERSION)).toEqual({ compatible: true });
    const newer = checkCompatibility(PROTOCOL_VERSION + 1);
    expect(newer.compatible).toBe(false);
    if (!newer.compatible) expect(newer.reason).toMatch(/update this side/);
    expect(checkCompatibility(0).compatible).toBe(false);
  });
});

describe('REST DTOs', () => {
  it('requires provider/model and rejects unknown error codes', () => {
    expect(CreateConversationRequestSchema.safeParse({ llm: { model: 'gpt-4o' } }).success).toBe(false);
    expect(CreateConversationRequestSchema.safeParse({ llm: { model: 'openai/gpt-4o' } }).success).toBe(true);
    expect(ErrorBodySchema.safeParse({ code: 'oops', message: 'x' }).success).toBe(false);
    expect(StartSandboxRequestSchema.safeParse({ environment: { 'BAD-NAME': 'x' } }).success).toBe(false);
  });

  it('tells success and error responses apart on the webview channel', () => {
    expect(
      HostToWebviewMessageSchema.parse({
        type: 'response',
        id: 1,
        status: 'error',
        error: { code: 'internal_error', message: 'x' },
      }),
    ).toMatchObject({ status: 'error' });
    expect(HostToWebviewMessageSchema.safeParse({ type: 'response', id: 1, status: 'error' }).success).toBe(
      false,
    );
  });
});

describe('http helpers', () => {
  it('compares keys exactly', async () => {
    const { constantTimeEqual } = await import('./index');
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abd', 'abc')).toBe(false);
    expect(constantTimeEqual('', 'abc')).toBe(false);
    expect(constantTimeEqual('abcd', 'abc')).toBe(false);
    expect(constantTimeEqual('ab', 'abc')).toBe(false);
  });

  it('names the offending field without echoing input', async () => {
    const { invalidRequestBody, StopSandboxRequestSchema } = await import('./index');
    const result = StopSandboxRequestSchema.safeParse({ id: '../etc/passwd' });
    expect(result.success).toBe(false);
    if (!result.success) {
      const body = invalidRequestBody('stop request', result.error);
      expect(body.code).toBe('invalid_request');
      expect(body.message).toMatch(/^Invalid stop request\. id:/);
      expect(body.message).not.toContain('passwd');
    }
  });
});
