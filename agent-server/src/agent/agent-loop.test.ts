import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Event } from '@handoff/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventLog } from '../conversation/event-log';
import { silentLogger } from '../logger';
import { SandboxConnectionError } from '../sandbox/sandbox-client';
import type { FakeSandboxHandler } from '../testing/fake-sandbox-client';
import { FakeSandboxClient, fakeRunCommandObservation, hangingHandler } from '../testing/fake-sandbox-client';
import type { ScriptedLlmStep } from '../testing/scripted-llm-client';
import { ScriptedLlmClient } from '../testing/scripted-llm-client';
import { toolDefinitions } from '../tools/tools';
import { MAX_ITERATIONS_ERROR_CODE, runAgent } from './agent-loop';
import { INTERRUPTED_ACTION_MESSAGE } from './unanswered-actions';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'agent-loop-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface RunOptions {
  handler?: FakeSandboxHandler;
  maxIterations?: number;
  controller?: AbortController;
}

async function run(steps: ScriptedLlmStep[], options: RunOptions = {}) {
  const log = await EventLog.open({ file: path.join(dir, 'events.jsonl') });
  await log.append({ type: 'message', source: 'user', text: 'run echo hello' });
  const llm = new ScriptedLlmClient(steps);
  const sandbox = new FakeSandboxClient(options.handler);
  const controller = options.controller ?? new AbortController();
  const result = await runAgent({
    events: log,
    llm,
    sandbox,
    systemPrompt: 'SYSTEM',
    tools: toolDefinitions({ workspace: '/workspace' }),
    maxIterations: options.maxIterations ?? 100,
    signal: controller.signal,
    logger: silentLogger,
    workspace: dir,
    llmConfig: { model: 'openai/gpt-4o' },
    secrets: {},
    getConfirmationPolicy: () => ({ type: 'never' }),
  });
  // Every LLM call adds a usage event; these tests look at the others.
  return { result, events: log.all().filter((e) => e.type !== 'llm_usage'), all: log.all(), llm, sandbox };
}

/** The events' kinds, without the usage events every LLM call adds. */
function shape(events: readonly Event[]): string[] {
  return events
    .filter((e) => e.type !== 'llm_usage')
    .map((e) => {
      switch (e.type) {
        case 'message':
          return `${e.source}:message`;
        case 'action':
          return `action:${e.action.type}`;
        case 'observation':
          return `observation:${e.observation.type}`;
        case 'agent_state_changed':
          return `state:${e.state}`;
        case 'error':
          return `error:${e.error.code}`;
        case 'condensation':
        case 'confirmation':
          return e.type;
      }
    });
}

const echo = { name: 'execute_bash', arguments: { command: 'echo hello', security_risk: 'LOW' } };
const finish = (message: string) => ({ name: 'finish', arguments: { message } });

describe('runAgent', () => {
  it('runs echo, observes it, finishes with the final message', async () => {
    const { result, events, llm, sandbox } = await run([
      { text: 'I will echo.', toolCalls: [echo] },
      { toolCalls: [finish('Printed hello.')] },
    ]);
    expect(shape(events)).toEqual([
      'user:message',
      'state:running',
      'action:run_command',
      'observation:run_command',
      'action:finish',
      'agent:message',
      'state:finished',
    ]);
    expect(result.finalState).toBe('finished');
    const action = events[2];
    expect(action?.type === 'action' && action).toMatchObject({
      source: 'agent',
      toolName: 'execute_bash',
      thought: 'I will echo.',
      action: { command: 'echo hello' },
    });
    const observation = events[3];
    expect(observation?.type === 'observation' && observation).toMatchObject({
      source: 'environment',
      observation: { output: 'hello\n', exitCode: 0 },
    });
    expect(
      action?.type === 'action' &&
        observation?.type === 'observation' &&
        action.actionId === observation.actionId,
    ).toBe(true);
    expect(events[5]).toMatchObject({ source: 'agent', text: 'Printed hello.' });
    expect(sandbox.actions).toEqual([{ type: 'run_command', command: 'echo hello' }]);

    expect(llm.requests[0]?.tools.map((t) => t.name)).toEqual([
      'execute_bash',
      'str_replace_editor',
      'think',
      'task_tracker',
      'finish',
    ]);
    const second = llm.requests[1]?.messages ?? [];
    expect(second.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(second[2]).toMatchObject({
      content: 'I will echo.',
      toolCalls: [{ name: 'execute_bash', arguments: '{"command":"echo hello","security_risk":"LOW"}' }],
    });
    expect(second[3]).toMatchObject({
      content:
        'hello\n[The command completed with exit code 0.]\n[Current working directory: /workspace]\n[Command finished with exit code 0]',
    });
  });

  it('a plain reply waits for the user', async () => {
    const { result, events } = await run([{ text: 'Which folder?' }]);
    expect(shape(events)).toEqual([
      'user:message',
      'state:running',
      'agent:message',
      'state:awaiting_user_input',
    ]);
    expect(result).toEqual({ finalState: 'awaiting_user_input', resumeAfterSeq: 2 });
  });

  it('turns bad arguments and unknown tools into tool errors the model reads', async () => {
    const { events, llm, sandbox } = await run([
      {
        toolCalls: [
          { name: 'execute_bash', arguments: '{"command": "echo' },
          { name: 'browse', arguments: {} },
          { name: 'execute_bash', arguments: { timeout: 5 } },
        ],
      },
      { toolCalls: [finish('gave up')] },
    ]);
    expect(sandbox.actions).toEqual([]);
    const errors = events.flatMap((e) =>
      e.type === 'observation' && e.observation.type === 'tool_error' ? [e.observation.message] : [],
    );
    expect(errors).toEqual([
      'Failed to parse tool call arguments: {"command": "echo',
      'Tool browse is not registered. (arguments: {}). Please check the tool name and retry with an existing tool.',
      'Missing required argument "command" in tool call execute_bash',
    ]);
    const prompt = llm.requests[1]?.messages ?? [];
    expect(prompt.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool', 'tool']);
    const assistant = prompt[2];
    expect(assistant?.role === 'assistant' && assistant.toolCalls.map((c) => c.name)).toEqual([
      'execute_bash',
      'browse',
      'execute_bash',
    ]);
  });

  it('sends input and empty commands to the sandbox and words what comes back', async () => {
    const handler: FakeSandboxHandler = (action) =>
      action.type === 'run_command' && action.isInput === true
        ? fakeRunCommandObservation(action, { status: 'no_running_command', exitCode: -1 })
        : fakeRunCommandObservation(action, {
            status: 'no_change_timeout',
            exitCode: -1,
            timedOut: true,
            output: 'still going\n',
          });
    const { sandbox, llm } = await run(
      [
        {
          toolCalls: [
            { name: 'execute_bash', arguments: { command: 'y', is_input: 'true' } },
            { name: 'execute_bash', arguments: { command: '', timeout: '90' } },
          ],
        },
        { toolCalls: [finish('ok')] },
      ],
      { handler },
    );
    expect(sandbox.actions).toEqual([
      { type: 'run_command', command: 'y', isInput: true },
      { type: 'run_command', command: '', timeoutSec: 90 },
    ]);
    const results = (llm.requests[1]?.messages ?? []).flatMap((m) => (m.role === 'tool' ? [m.content] : []));
    expect(results[0]).toBe('ERROR: No previous running command to interact with.');
    expect(results[1]).toMatch(
      /^\[Below is the output of the previous command\.\]\nstill going\n\[The command has no new output after 30 seconds\./,
    );
  });

  it('runs a str_replace_editor call in the sandbox and replays it to the model', async () => {
    const create = {
      name: 'str_replace_editor',
      arguments: { command: 'create', path: '/workspace/a.txt', file_text: 'one\n', security_risk: 'LOW' },
    };
    const edit = {
      name: 'str_replace_editor',
      arguments: { command: 'str_replace', path: '/workspace/a.txt', old_str: 'one', new_str: 'two' },
    };
    const { events, sandbox, llm } = await run([
      { toolCalls: [create, edit] },
      { toolCalls: [finish('edited')] },
    ]);
    expect(sandbox.actions).toEqual([
      { type: 'file_editor', command: 'create', path: '/workspace/a.txt', fileText: 'one\n' },
      { type: 'file_editor', command: 'str_replace', path: '/workspace/a.txt', oldStr: 'one', newStr: 'two' },
    ]);
    expect(sandbox.editor.files.get('/workspace/a.txt')).toBe('two\n');
    const observations = events.flatMap((e) => (e.type === 'observation' ? [e.observation] : []));
    expect(observations[1]).toMatchObject({
      type: 'file_editor',
      isError: false,
      diff: expect.stringContaining('-one\n+two') as unknown,
      changes: [{ path: 'a.txt', kind: 'modified' }],
    });
    const prompt = llm.requests[1]?.messages ?? [];
    const assistant = prompt[2];
    expect(
      assistant?.role === 'assistant' && assistant.toolCalls.map((c) => JSON.parse(c.arguments) as unknown),
    ).toEqual([
      { command: 'create', path: '/workspace/a.txt', file_text: 'one\n', security_risk: 'LOW' },
      { command: 'str_replace', path: '/workspace/a.txt', old_str: 'one', new_str: 'two' },
    ]);
    expect(prompt.slice(3).map((m) => m.content)).toEqual([
      'File created successfully at: /workspace/a.txt',
      'The file /workspace/a.txt has been edited. Review the changes and make sure they are as expected. Edit the file again if necessary.',
    ]);
  });

  it('stops with an error at max iterations', async () => {
    const { result, events, llm } = await run(
      [{ toolCalls: [echo] }, { toolCalls: [echo] }, { toolCalls: [echo] }],
      { maxIterations: 2 },
    );
    expect(llm.requests).toHaveLength(2);
    expect(shape(events).slice(-2)).toEqual([`error:${MAX_ITERATIONS_ERROR_CODE}`, 'state:error']);
    const state = events[events.length - 1];
    expect(state?.type === 'agent_state_changed' && state.reason).toMatch(/maximum of 2 iterations/);
    expect(result.finalState).toBe('error');
  });

  it('records an LLM failure as llm_error and state error', async () => {
    const { result, events } = await run([
      {
        error: {
          kind: 'authentication',
          message: 'The model provider answered HTTP 401: bad key',
          status: 401,
        },
      },
    ]);
    expect(shape(events)).toEqual(['user:message', 'state:running', 'error:llm_error', 'state:error']);
    const error = events[2];
    expect(error?.type === 'error' && error.error.message).toBe(
      'The model provider answered HTTP 401: bad key',
    );
    expect(result.finalState).toBe('error');
  });

  it('turns a sandbox failure into a tool error and keeps going', async () => {
    const failing: FakeSandboxHandler = () => {
      throw new SandboxConnectionError('Could not reach the action server: fetch failed (ECONNREFUSED)');
    };
    const { events, result } = await run([{ toolCalls: [echo] }, { toolCalls: [finish('sandbox down')] }], {
      handler: failing,
    });
    const observation = events.find((e) => e.type === 'observation');
    expect(observation?.type === 'observation' && observation.observation).toEqual({
      type: 'tool_error',
      message:
        'The sandbox could not run the command: Could not reach the action server: fetch failed (ECONNREFUSED)',
    });
    expect(result.finalState).toBe('finished');
  });

  it('runs several calls of one response in order, and none after finish', async () => {
    const second = { name: 'execute_bash', arguments: { command: 'echo second' } };
    const { events, sandbox, result } = await run([{ toolCalls: [echo, finish('done'), second] }]);
    expect(sandbox.actions.map((a) => a.command)).toEqual(['echo hello']);
    expect(shape(events)).toEqual([
      'user:message',
      'state:running',
      'action:run_command',
      'action:finish',
      'action:run_command',
      'observation:run_command',
      'observation:tool_error',
      'agent:message',
      'state:finished',
    ]);
    expect(result.finalState).toBe('finished');
  });

  it('pauses when interrupted during the LLM call', async () => {
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort();
    }, 20);
    const { events, result } = await run([{ waitForAbort: true }], { controller });
    expect(shape(events)).toEqual(['user:message', 'state:running', 'state:paused']);
    expect(result.finalState).toBe('paused');
  });

  it('pauses when interrupted during a command, answering the cut-off action', async () => {
    const controller = new AbortController();
    const handler: FakeSandboxHandler = (action, options) => {
      setTimeout(() => {
        controller.abort();
      }, 10);
      return hangingHandler(action, options);
    };
    const { events, sandbox } = await run([{ toolCalls: [echo] }], { handler, controller });
    expect(sandbox.interrupts).toEqual(['default']);
    expect(shape(events)).toEqual([
      'user:message',
      'state:running',
      'action:run_command',
      'observation:tool_error',
      'state:paused',
    ]);
    const observation = events[3];
    expect(observation?.type === 'observation' && observation.observation).toEqual({
      type: 'tool_error',
      message: INTERRUPTED_ACTION_MESSAGE,
    });
  });
});
