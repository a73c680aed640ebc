import { describe, expect, it } from 'vitest';
import { runScripted } from '../testing/agent-harness';
import { toolDefinitions } from '../tools/tools';
import { parseTextToolCall, toTextToolMessages } from './text-tool-calling';

const tools = toolDefinitions({ workspace: '/workspace' });

describe('parseTextToolCall', () => {
  it('parses OpenHands’ format: reasoning before, trimmed parameters, integers and arrays typed', () => {
    const reply =
      'Let me look.\n<function=str_replace_editor>\n<parameter=command>view</parameter>\n<parameter=path>/workspace/a.py</parameter>\n<parameter=view_range>[1, 20]</parameter>\n<parameter=security_risk>LOW</parameter>\n</function>';
    expect(parseTextToolCall(reply, tools, 'toolu_01')).toEqual({
      text: 'Let me look.',
      call: {
        ok: true,
        call: {
          id: 'toolu_01',
          name: 'str_replace_editor',
          arguments: JSON.stringify({
            command: 'view',
            path: '/workspace/a.py',
            view_range: [1, 20],
            security_risk: 'LOW',
          }),
        },
      },
    });
  });

  it('adds a missing </function> (the stop word) and keeps multi-line values', () => {
    const parsed = parseTextToolCall(
      '<function=execute_bash>\n<parameter=command>\nls -la\n</parameter>\n<parameter=security_risk>LOW</parameter>\n',
      tools,
      'x',
    );
    expect(parsed.call).toMatchObject({
      ok: true,
      call: { arguments: '{"command":"ls -la","security_risk":"LOW"}' },
    });
  });

  it('words malformed calls as OpenHands does', () => {
    const cases: [string, string][] = [
      [
        '<function=run>\n</function>',
        "Function 'run' not found in available tools: ['execute_bash', 'str_replace_editor', 'think', 'task_tracker', 'finish']",
      ],
      [
        '<function=execute_bash>\n<parameter=security_risk>LOW</parameter>\n</function>',
        "Missing required parameters for function 'execute_bash': {'command'}",
      ],
      [
        '<function=execute_bash>\n<parameter=command>ls</parameter>\n<parameter=cwd>/</parameter>\n</function>',
        "Parameter 'cwd' is not allowed for function 'execute_bash'. Allowed parameters: {'command', 'is_input', 'timeout', 'security_risk'}",
      ],
      [
        '<function=str_replace_editor>\n<parameter=command>insert</parameter>\n<parameter=path>/a</parameter>\n<parameter=insert_line>two</parameter>\n</function>',
        "Parameter 'insert_line' is expected to be an integer.",
      ],
      [
        '<function=execute_bash>\n<parameter=command>ls</parameter>\n<parameter=security_risk>SEVERE</parameter>\n</function>',
        "Parameter 'security_risk' is expected to be one of ['LOW', 'MEDIUM', 'HIGH'].",
      ],
    ];
    for (const [reply, message] of cases)
      expect(parseTextToolCall(reply, tools, 'x').call).toMatchObject({ ok: false, message });
  });

  it('leaves a reply without a call as text', () => {
    expect(parseTextToolCall('All done!', tools, 'x')).toEqual({ text: 'All done!' });
  });
});

describe('text tool calling in the loop', () => {
  it('describes the tools in the system prompt, sends no tools, and feeds results back as user text', async () => {
    const { llm, events, sandbox, result } = await runScripted({
      steps: [
        {
          text: 'Checking.\n<function=execute_bash>\n<parameter=command>echo hi</parameter>\n<parameter=security_risk>LOW</parameter>\n</function>',
        },
        { text: '<function=execute_bash>\n<parameter=comand>ls</parameter>\n</function>' },
        { text: '<function=finish>\n<parameter=message>Printed hi.</parameter>\n</function>' },
      ],
      context: { llmConfig: { model: 'openai-compatible/llama3', nativeToolCalling: false } },
    });
    expect(result.finalState).toBe('finished');
    expect(sandbox.actions).toEqual([{ type: 'run_command', command: 'echo hi' }]);
    const first = llm.requests[0];
    expect(first?.tools).toEqual([]);
    const [systemMessage, userMessage] = first?.messages ?? [];
    expect(systemMessage?.content).toContain(
      'You have access to the following functions:\n\n---- BEGIN FUNCTION #1: execute_bash ----',
    );
    expect(systemMessage?.content).toContain('  (4) security_risk (string, required): ');
    expect(userMessage?.content).toMatch(
      /^Here's a running example of how to perform a task with the provided tools\./,
    );
    expect(userMessage?.content).toContain(
      '--------------------- NEW TASK DESCRIPTION ---------------------\ndo the task\n',
    );
    expect(userMessage?.content).toMatch(/PLEASE EMIT ONE AND ONLY ONE FUNCTION CALL PER MESSAGE\.\n$/);

    const third = llm.requests[2]?.messages ?? [];
    expect(third.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(third[2]?.content).toBe(
      'Checking.\n\n<function=execute_bash>\n<parameter=command>echo hi</parameter>\n<parameter=security_risk>LOW</parameter>\n</function>',
    );
    expect(third[3]?.content).toMatch(/^EXECUTION RESULT of \[execute_bash\]:\nhi\n/);
    expect(third[5]?.content).toBe(
      "EXECUTION RESULT of [execute_bash]:\nParameter 'comand' is not allowed for function 'execute_bash'. Allowed parameters: {'command', 'is_input', 'timeout', 'security_risk'}",
    );
    const action = events.all().find((e) => e.type === 'action');
    expect(action).toMatchObject({ thought: 'Checking.', securityRisk: 'LOW' });
  });

  it('converts a native history with several calls in one message', () => {
    const messages = toTextToolMessages(
      [
        { role: 'system', content: 'S' },
        {
          role: 'assistant',
          content: null,
          toolCalls: [{ id: 'a', name: 'think', arguments: '{"thought":"x\\ny"}' }],
        },
        { role: 'tool', toolCallId: 'a', content: 'Your thought has been logged.' },
      ],
      tools,
    );
    expect(messages[1]).toEqual({
      role: 'assistant',
      content: '<function=think>\n<parameter=thought>\nx\ny\n</parameter>\n</function>',
      toolCalls: [],
    });
    expect(messages[2]).toEqual({
      role: 'user',
      content: 'EXECUTION RESULT of [think]:\nYour thought has been logged.',
    });
  });
});
