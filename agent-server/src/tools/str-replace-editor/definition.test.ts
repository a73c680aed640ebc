import type { FileEditorObservation } from '@handoff/protocol';
import { describe, expect, it } from 'vitest';
import { toolOutput } from '../tools';
import { strReplaceEditorTool } from './definition';

const toAction = (args: Record<string, unknown>) => strReplaceEditorTool.toAction(args);
const ALLOWED =
  "{'command', 'path', 'file_text', 'old_str', 'new_str', 'insert_line', 'view_range', 'security_risk'}";

describe('str_replace_editor', () => {
  it('is OpenHands’ tool, with the workspace in the path example', () => {
    const definition = strReplaceEditorTool.definition({ workspace: '/home/me/project' });
    expect(definition.name).toBe('str_replace_editor');
    expect(definition.description).toMatch(
      /^Custom editing tool for viewing, creating and editing files in plain-text format\n\* State is persistent/,
    );
    expect(definition.description).toContain('CRITICAL REQUIREMENTS FOR USING THIS TOOL:');
    expect(definition.parameters).toMatchObject({
      type: 'object',
      properties: {
        command: { type: 'string', enum: ['view', 'create', 'str_replace', 'insert', 'undo_edit'] },
        path: {
          type: 'string',
          description:
            'Absolute path to file or directory, e.g. `/home/me/project/file.py` or `/home/me/project`.',
        },
        file_text: { type: 'string' },
        old_str: { type: 'string' },
        new_str: { type: 'string' },
        insert_line: { type: 'integer' },
        view_range: { type: 'array', items: { type: 'integer' } },
        security_risk: { type: 'string', enum: ['LOW', 'MEDIUM', 'HIGH'] },
      },
      required: ['command', 'path', 'security_risk'],
    });
  });

  it('maps every command to a camelCase file_editor action', () => {
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [
        { command: 'view', path: '/w/a.ts', view_range: [3, -1], security_risk: 'LOW' },
        { command: 'view', path: '/w/a.ts', viewRange: [3, -1] },
      ],
      [
        { command: 'create', path: '/w/b.ts', file_text: 'x\n', security_risk: 'MEDIUM' },
        { command: 'create', path: '/w/b.ts', fileText: 'x\n' },
      ],
      [
        { command: 'str_replace', path: '/w/a.ts', old_str: 'a', new_str: 'b' },
        { command: 'str_replace', path: '/w/a.ts', oldStr: 'a', newStr: 'b' },
      ],
      [
        { command: 'insert', path: '/w/a.ts', insert_line: 0, new_str: 'top' },
        { command: 'insert', path: '/w/a.ts', insertLine: 0, newStr: 'top' },
      ],
      [
        { command: 'undo_edit', path: 'a.ts' },
        { command: 'undo_edit', path: 'a.ts' },
      ],
    ];
    for (const [args, action] of cases) {
      expect(toAction(args)).toEqual({ ok: true, action: { type: 'file_editor', ...action } });
    }
  });

  it('accepts numbers and ranges sent as strings, as models sometimes do', () => {
    expect(toAction({ command: 'insert', path: '/w/a', insert_line: '4', new_str: 'x' })).toMatchObject({
      action: { insertLine: 4 },
    });
    expect(toAction({ command: 'view', path: '/w/a', view_range: '[1, 10]' })).toMatchObject({
      action: { viewRange: [1, 10] },
    });
  });

  it('refuses malformed numbers in the editor’s words', () => {
    expect(toAction({ command: 'view', path: '/w/a', view_range: [1] })).toEqual({
      ok: false,
      message: 'ERROR:\nInvalid `view_range` parameter: [1]. It should be a list of two integers.',
    });
    expect(toAction({ command: 'insert', path: '/w/a', insert_line: 'two', new_str: 'x' })).toEqual({
      ok: false,
      message: 'ERROR:\nInvalid `insert_line` parameter: "two". It should be an integer.',
    });
  });

  it('ignores view_range outside view and other arguments for view, as OpenHands does', () => {
    expect(toAction({ command: 'create', path: '/w/a', file_text: '', view_range: 'junk' })).toEqual({
      ok: true,
      action: { type: 'file_editor', command: 'create', path: '/w/a', fileText: '' },
    });
    expect(toAction({ command: 'view', path: '/w/a', mode: 'fast' })).toEqual({
      ok: true,
      action: { type: 'file_editor', command: 'view', path: '/w/a' },
    });
  });

  it('refuses an argument the tool does not have, listing the allowed ones', () => {
    expect(toAction({ command: 'create', path: '/w/a', file_text: '', content: 'x' })).toEqual({
      ok: false,
      message: `Unexpected argument content in tool call str_replace_editor. Allowed arguments are: ${ALLOWED}`,
    });
  });

  it('refuses a missing command or path, and an unknown command', () => {
    expect(toAction({ path: '/w/a' })).toEqual({
      ok: false,
      message: 'Missing required argument "command" in tool call str_replace_editor',
    });
    expect(toAction({ command: 'view' })).toEqual({
      ok: false,
      message: 'Missing required argument "path" in tool call str_replace_editor',
    });
    expect(toAction({ command: 'delete', path: '/w/a' })).toEqual({
      ok: false,
      message:
        'ERROR:\nUnrecognized command delete. The allowed commands for the str_replace_editor tool are: view, create, str_replace, insert, undo_edit',
    });
  });

  it('replays an action as the arguments that produced it', () => {
    for (const args of [
      { command: 'view', path: '/w/a', view_range: [1, 5] },
      { command: 'create', path: '/w/a', file_text: 'x' },
      { command: 'str_replace', path: '/w/a', old_str: 'x', new_str: '' },
      { command: 'insert', path: '/w/a', insert_line: 2, new_str: 'y' },
      { command: 'undo_edit', path: '/w/a' },
    ]) {
      const parsed = toAction(args);
      if (!parsed.ok) throw new Error(parsed.message);
      expect(strReplaceEditorTool.toArguments(parsed.action)).toEqual(args);
    }
    expect(() => strReplaceEditorTool.toArguments({ type: 'run_command', command: 'ls' })).toThrow(
      /cannot replay/,
    );
  });

  it('gives the model the editor’s own output, error or not', () => {
    const observation: FileEditorObservation = {
      type: 'file_editor',
      command: 'str_replace',
      path: '/w/a',
      output: 'ERROR:\nNo replacement was performed, old_str `x` did not appear verbatim in /w/a.',
      isError: true,
    };
    expect(toolOutput(undefined, observation)).toBe(observation.output);
  });
});
