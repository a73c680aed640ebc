import {
  aMessageEvent,
  anActionEvent,
  anAgentStateEvent,
  anObservationEvent,
} from '@handoff/protocol/testing';
import { describe, expect, it } from 'vitest';
import { FINISH_TOOL_RESULT, NOT_EXECUTED_TOOL_RESULT, eventsToMessages } from './history';

const echoAction = (id: string, thought = '') =>
  anActionEvent({
    actionId: id,
    toolCallId: `call-${id}`,
    thought,
    action: { type: 'run_command', command: `echo ${id}` },
  });
const echoObservation = (id: string) =>
  anObservationEvent({
    actionId: id,
    toolCallId: `call-${id}`,
    observation: {
      type: 'run_command',
      command: `echo ${id}`,
      exitCode: 0,
      output: `${id}\n`,
      timedOut: false,
      cwd: '/w',
    },
  });

describe('eventsToMessages', () => {
  it('pairs calls with results and ignores state events', () => {
    const messages = eventsToMessages([
      aMessageEvent({ text: 'go' }),
      anAgentStateEvent(),
      echoAction('a', 'thinking'),
      echoObservation('a'),
    ]);
    expect(messages).toEqual([
      { role: 'user', content: 'go' },
      {
        role: 'assistant',
        content: 'thinking',
        toolCalls: [{ id: 'call-a', name: 'execute_bash', arguments: '{"command":"echo a"}' }],
      },
      {
        role: 'tool',
        toolCallId: 'call-a',
        content: 'a\n[The command completed with exit code 0.]\n[Current working directory: /w]',
      },
    ]);
  });

  it('groups consecutive actions into one assistant message', () => {
    const messages = eventsToMessages([
      aMessageEvent(),
      echoAction('a', 'both'),
      echoAction('b'),
      echoObservation('a'),
      echoObservation('b'),
    ]);
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool']);
    const assistant = messages[1];
    expect(assistant?.role === 'assistant' && assistant.toolCalls.map((c) => c.id)).toEqual([
      'call-a',
      'call-b',
    ]);
  });

  it('places a user message sent during a command after the command result', () => {
    const messages = eventsToMessages([
      aMessageEvent({ text: 'first' }),
      echoAction('a'),
      aMessageEvent({ text: 'also this' }),
      echoObservation('a'),
    ]);
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
    expect(messages[3]).toEqual({ role: 'user', content: 'also this' });
  });

  it('rebuilds a refused call from its tool error and joins it to the open response', () => {
    const refused = anObservationEvent({
      actionId: 'x',
      toolName: 'browse',
      toolCallId: 'call-x',
      observation: { type: 'tool_error', message: 'Tool browse is not registered.' },
    });
    const messages = eventsToMessages([aMessageEvent(), echoAction('a'), refused, echoObservation('a')]);
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool']);
    const assistant = messages[1];
    expect(assistant?.role === 'assistant' && assistant.toolCalls.map((c) => c.name)).toEqual([
      'execute_bash',
      'browse',
    ]);
  });

  it('answers finish itself and drops the duplicate final message', () => {
    const finish = anActionEvent({
      actionId: 'f',
      toolName: 'finish',
      toolCallId: 'call-f',
      action: { type: 'finish', message: 'All done.' },
    });
    const messages = eventsToMessages([
      aMessageEvent(),
      finish,
      aMessageEvent({ source: 'agent', text: 'All done.' }),
      aMessageEvent({ text: 'more please' }),
    ]);
    expect(messages).toEqual([
      { role: 'user', content: 'run echo hello' },
      {
        role: 'assistant',
        content: null,
        toolCalls: [{ id: 'call-f', name: 'finish', arguments: '{"message":"All done."}' }],
      },
      { role: 'tool', toolCallId: 'call-f', content: FINISH_TOOL_RESULT },
      { role: 'user', content: 'more please' },
    ]);
  });

  it('answers a call that never got an observation', () => {
    const messages = eventsToMessages([aMessageEvent(), echoAction('a'), aMessageEvent({ text: 'hello?' })]);
    expect(messages.slice(2)).toEqual([
      { role: 'tool', toolCallId: 'call-a', content: NOT_EXECUTED_TOOL_RESULT },
      { role: 'user', content: 'hello?' },
    ]);
  });

  it('turns agent replies into assistant messages', () => {
    expect(
      eventsToMessages([aMessageEvent({ text: 'hi' }), aMessageEvent({ source: 'agent', text: 'hello' })]),
    ).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello', toolCalls: [] },
    ]);
  });
});
