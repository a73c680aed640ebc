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
      session: 'default',
      status: 'completed',
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
        content:
          'a\n[The command completed with exit code 0.]\n[Current working directory: /w]\n[Command finished with exit code 0]',
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

  it('replays input to a running command and words its observation by the call it answers', () => {
    const input = anActionEvent({
      actionId: 'i',
      toolCallId: 'call-i',
      action: { type: 'run_command', command: 'yes', isInput: true, timeoutSec: 10 },
    });
    const answered = anObservationEvent({
      actionId: 'i',
      toolCallId: 'call-i',
      observation: {
        type: 'run_command',
        command: 'yes',
        session: 'default',
        status: 'no_change_timeout',
        exitCode: -1,
        output: 'Continue? ',
        timedOut: true,
        cwd: '/w',
      },
    });
    const messages = eventsToMessages([aMessageEvent(), input, answered]);
    expect(messages[1]).toMatchObject({
      toolCalls: [{ name: 'execute_bash', arguments: '{"command":"yes","is_input":"true","timeout":10}' }],
    });
    expect(messages[2]?.content).toMatch(
      /^\[Below is the output of the previous command\.\]\nContinue\?\n\[The command has no new output after 30 seconds\. /,
    );
    expect(messages[2]?.content).toMatch(/\n\[Current working directory: \/w\]$/);
  });

  it('replays an editor call with OpenHands’ argument names and the editor’s output', () => {
    const edit = anActionEvent({
      actionId: 'e',
      toolName: 'str_replace_editor',
      toolCallId: 'call-e',
      action: {
        type: 'file_editor',
        command: 'str_replace',
        path: '/w/a.py',
        oldStr: 'a = 1',
        newStr: 'a = 2',
      },
    });
    const edited = anObservationEvent({
      actionId: 'e',
      toolName: 'str_replace_editor',
      toolCallId: 'call-e',
      observation: {
        type: 'file_editor',
        command: 'str_replace',
        path: '/w/a.py',
        output: 'The file /w/a.py has been edited.',
        isError: false,
        diff: '-a = 1\n+a = 2',
        changes: [{ path: 'a.py', kind: 'modified', size: 6 }],
      },
    });
    expect(eventsToMessages([aMessageEvent(), edit, edited]).slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        toolCalls: [
          {
            id: 'call-e',
            name: 'str_replace_editor',
            arguments: '{"command":"str_replace","path":"/w/a.py","old_str":"a = 1","new_str":"a = 2"}',
          },
        ],
      },
      { role: 'tool', toolCallId: 'call-e', content: 'The file /w/a.py has been edited.' },
    ]);
  });
});
