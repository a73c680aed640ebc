import { describe, expect, it } from 'vitest';
import { executeBashTool } from './definition';

const toAction = (args: Record<string, unknown>) => executeBashTool.toAction(args);

describe('execute_bash', () => {
  it('is OpenHands’ tool: name, parameters and required list', () => {
    const definition = executeBashTool.definition({ workspace: '/w' });
    expect(definition.name).toBe('execute_bash');
    expect(definition.description).toMatch(
      /^Execute a bash command in the terminal within a persistent shell session\.\n\n\n### Command Execution\n/,
    );
    expect(definition.description).toContain('Soft timeout: Commands have a soft timeout of 30 seconds');
    expect(definition.parameters).toMatchObject({
      type: 'object',
      properties: {
        command: { type: 'string' },
        is_input: { type: 'string', enum: ['true', 'false'] },
        timeout: { type: 'number' },
        security_risk: { type: 'string', enum: ['LOW', 'MEDIUM', 'HIGH'] },
      },
      required: ['command', 'security_risk'],
    });
  });

  it('maps a command with a hard timeout, dropping security_risk', () => {
    expect(toAction({ command: 'npm test', timeout: 120, security_risk: 'MEDIUM' })).toEqual({
      ok: true,
      action: { type: 'run_command', command: 'npm test', timeoutSec: 120 },
    });
  });

  it('maps is_input given as the enum string or as a boolean', () => {
    for (const isInput of ['true', true]) {
      expect(toAction({ command: 'y', is_input: isInput })).toEqual({
        ok: true,
        action: { type: 'run_command', command: 'y', isInput: true },
      });
    }
    for (const isInput of ['false', false]) {
      expect(toAction({ command: 'ls', is_input: isInput })).toEqual({
        ok: true,
        action: { type: 'run_command', command: 'ls' },
      });
    }
  });

  it('passes empty commands and control keys through to the sandbox', () => {
    expect(toAction({ command: '' })).toEqual({ ok: true, action: { type: 'run_command', command: '' } });
    expect(toAction({ command: 'C-c', is_input: 'true' })).toEqual({
      ok: true,
      action: { type: 'run_command', command: 'C-c', isInput: true },
    });
  });

  it('reads timeout as OpenHands does: numeric strings count, 0 or less and null mean none', () => {
    expect(toAction({ command: 'x', timeout: '45.5' })).toMatchObject({ action: { timeoutSec: 45.5 } });
    for (const timeout of [0, -3, null, '']) {
      expect(toAction({ command: 'x', timeout })).toEqual({
        ok: true,
        action: { type: 'run_command', command: 'x' },
      });
    }
  });

  it('refuses a timeout that is not a number, or longer than a day, in words the model can act on', () => {
    expect(toAction({ command: 'x', timeout: 'soon' })).toEqual({
      ok: false,
      message: "Invalid float passed to 'timeout' argument: soon",
    });
    expect(toAction({ command: 'x', timeout: 100_000 })).toEqual({
      ok: false,
      message: 'Invalid value for argument "timeout" in tool call execute_bash: at most 86400 seconds',
    });
  });

  it('refuses a call without a command, or with a command that is not text', () => {
    expect(toAction({ timeout: 5 })).toEqual({
      ok: false,
      message: 'Missing required argument "command" in tool call execute_bash',
    });
    expect(toAction({ command: 42 })).toMatchObject({
      ok: false,
      message: expect.stringMatching(
        /^Invalid value for argument "command" in tool call execute_bash/,
      ) as unknown,
    });
  });

  it('replays an action as the arguments that produced it', () => {
    for (const args of [
      { command: 'ls' },
      { command: 'y', is_input: 'true' },
      { command: 'sleep 5', timeout: 10 },
      { command: '', is_input: 'true', timeout: 3 },
    ]) {
      const parsed = toAction(args);
      if (!parsed.ok) throw new Error(parsed.message);
      expect(executeBashTool.toArguments(parsed.action)).toEqual(args);
    }
    expect(() => executeBashTool.toArguments({ type: 'finish', message: 'm' })).toThrow(/cannot replay/);
  });
});
