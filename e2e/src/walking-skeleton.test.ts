import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SocketCloseCode, type SandboxInfo } from '@handoff/protocol';
import {
  startScriptedLlmServer,
  type ScriptedLlmServer,
} from '../../agent-server/src/testing/scripted-llm-server';
import { createConversation, EventStream, reachedState, runConversation, startSandbox } from './clients';
import { startRuntimeStack, type RuntimeStack } from './stack';
import { digest, storyOf } from './digest';
import { runThenFinish } from './scripts';

const LLM_KEY = 'sk-e2e-secret-llm-key-0123456789';

describe('walking skeleton: runtime-api → sandbox → agent-server → LLM → WebSocket', () => {
  let stack: RuntimeStack;
  let llm: ScriptedLlmServer | undefined;
  let sandbox: SandboxInfo;

  beforeAll(async () => {
    stack = await startRuntimeStack();
    sandbox = await startSandbox(stack.runtime.url, stack.apiKey, { labels: { test: 'e2e' } });
  });

  afterAll(async () => {
    // stack.close() stops runtime-api, which stops every sandbox it started.
    await llm?.close();
    await stack.close();
  });

  it('runs "echo hello" and streams the events in order', async () => {
    llm = await startScriptedLlmServer(runThenFinish('echo hello', 'The command printed hello.'));
    const { stream } = await runConversation(sandbox, {
      llm: { model: 'openai/gpt-4o', apiKey: LLM_KEY, baseUrl: llm.url },
      initialMessage: 'run echo hello',
    });

    expect(stream.frames[0]?.type).toBe('welcome');
    const events = stream.events;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const order = storyOf(events);
    expect(order).toEqual([
      'message:user',
      'action:execute_bash',
      'observation:hello:0',
      'action:finish',
      'message:agent',
      'state:finished',
    ]);
    const userMessage = events[0];
    expect(userMessage?.type === 'message' && userMessage.text).toBe('run echo hello');

    // The LLM really was called through its wire protocol, saw the tool result, and got the key as a bearer token.
    expect(llm.requests).toHaveLength(2);
    expect(llm.requests[0]?.headers['authorization']).toBe(`Bearer ${LLM_KEY}`);
    expect(JSON.stringify(llm.requests[1]?.body)).toContain('hello');
    // The LLM key never enters the event stream.
    expect(JSON.stringify(events)).not.toContain(LLM_KEY);
  });

  it('resumes with afterSeq mid-stream and gets exactly the missing events', async () => {
    await llm?.close();
    llm = await startScriptedLlmServer(runThenFinish('sleep 1; echo hello', 'The command printed hello.'));
    const conversation = await createConversation(sandbox, {
      llm: { model: 'openai/gpt-4o', apiKey: LLM_KEY, baseUrl: llm.url },
      initialMessage: 'run echo hello',
    });
    const first = new EventStream(sandbox.agentServerUrl, conversation.id, sandbox.sessionApiKey);
    await first.until((s) => s.events.some((e) => e.type === 'action'));
    await first.close();
    const seen = first.events;
    const lastSeen = seen.at(-1)!.seq;

    const second = new EventStream(sandbox.agentServerUrl, conversation.id, sandbox.sessionApiKey, lastSeen);
    await second.until(reachedState('finished'));
    await second.close();
    const welcome = second.frames[0];
    expect(welcome?.type).toBe('welcome');
    expect(second.events[0]?.seq).toBe(lastSeen + 1);

    const full = new EventStream(sandbox.agentServerUrl, conversation.id, sandbox.sessionApiKey, 0);
    await full.until(reachedState('finished'));
    await full.close();
    const stitched = [...seen, ...second.events];
    expect(stitched.map((e) => e.seq)).toEqual(full.events.map((e) => e.seq));
    expect(stitched).toEqual(full.events);
    expect(digest(stitched)).toContain('observation:hello:0');
  });

  it('closes the socket of an unknown conversation with a named code', async () => {
    const stream = new EventStream(sandbox.agentServerUrl, 'no-such-conversation', sandbox.sessionApiKey);
    await stream.until((s) => s.closeCode !== undefined);
    expect(stream.closeCode).toBe(SocketCloseCode.CONVERSATION_NOT_FOUND);
    expect(stream.frames.find((f) => f.type === 'error')).toMatchObject({
      error: { code: 'conversation_not_found' },
    });
  });

  it('refuses a wrong session key on the socket and the runtime key on every route', async () => {
    const stream = new EventStream(sandbox.agentServerUrl, 'anything', 'wrong-key-wrong-key-wrong-key');
    await stream.until((s) => s.closeCode !== undefined);
    expect(stream.closeCode).toBe(SocketCloseCode.AUTH_FAILED);

    const noKey = await fetch(`${stack.runtime.url}/list`);
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ code: 'unauthorized' });
    const badJson = await fetch(`${stack.runtime.url}/start`, {
      method: 'POST',
      headers: { 'x-api-key': stack.apiKey, 'content-type': 'application/json' },
      body: '{"image":',
    });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ code: 'invalid_request' });
    const unknown = await fetch(`${stack.runtime.url}/nope`, { headers: { 'x-api-key': stack.apiKey } });
    expect(unknown.status).toBe(404);
  });
});
