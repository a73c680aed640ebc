import type { Action, FileEditorAction, FileEditorObservation } from '@handoff/protocol';
import { FileEditorCommandSchema } from '@handoff/protocol';
import { z } from 'zod';
import type { Tool, ToolContext, ToolParseResult } from '../tool';
import { SECURITY_RISK_PARAMETER, parseArguments } from '../tool';

/** The LLM-facing name (OpenHands `STR_REPLACE_EDITOR_TOOL_NAME`). */
export const STR_REPLACE_EDITOR_TOOL_NAME = 'str_replace_editor';

// OpenHands `_DETAILED_STR_REPLACE_EDITOR_DESCRIPTION`, word for word.
const DESCRIPTION = `Custom editing tool for viewing, creating and editing files in plain-text format
* State is persistent across command calls and discussions with the user
* If \`path\` is a text file, \`view\` displays the result of applying \`cat -n\`. If \`path\` is a directory, \`view\` lists non-hidden files and directories up to 2 levels deep
* The following binary file extensions can be viewed in Markdown format: [".xlsx", ".pptx", ".wav", ".mp3", ".m4a", ".flac", ".pdf", ".docx"]. IT DOES NOT HANDLE IMAGES.
* The \`create\` command cannot be used if the specified \`path\` already exists as a file
* If a \`command\` generates a long output, it will be truncated and marked with \`<response clipped>\`
* The \`undo_edit\` command will revert the last edit made to the file at \`path\`
* This tool can be used for creating and editing files in plain-text format.


Before using this tool:
1. Use the view tool to understand the file's contents and context
2. Verify the directory path is correct (only applicable when creating new files):
   - Use the view tool to verify the parent directory exists and is the correct location

When making edits:
   - Ensure the edit results in idiomatic, correct code
   - Do not leave the code in a broken state
   - Always use absolute file paths (starting with /)

CRITICAL REQUIREMENTS FOR USING THIS TOOL:

1. EXACT MATCHING: The \`old_str\` parameter must match EXACTLY one or more consecutive lines from the file, including all whitespace and indentation. The tool will fail if \`old_str\` matches multiple locations or doesn't match exactly with the file content.

2. UNIQUENESS: The \`old_str\` must uniquely identify a single instance in the file:
   - Include sufficient context before and after the change point (3-5 lines recommended)
   - If not unique, the replacement will not be performed

3. REPLACEMENT: The \`new_str\` parameter should contain the edited lines that replace the \`old_str\`. Both strings must be different.

Remember: when making multiple file edits in a row to the same file, you should prefer to send all edits in a single message with multiple calls to this tool, rather than multiple messages with a single call each.
`;

/** OpenHands `create_str_replace_editor_tool` parameters, word for word, with our workspace. */
function parameters(workspace: string): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      command: {
        description:
          'The commands to run. Allowed options are: `view`, `create`, `str_replace`, `insert`, `undo_edit`.',
        enum: FileEditorCommandSchema.options,
        type: 'string',
      },
      path: {
        description: `Absolute path to file or directory, e.g. \`${workspace}/file.py\` or \`${workspace}\`.`,
        type: 'string',
      },
      file_text: {
        description: 'Required parameter of `create` command, with the content of the file to be created.',
        type: 'string',
      },
      old_str: {
        description:
          'Required parameter of `str_replace` command containing the string in `path` to replace.',
        type: 'string',
      },
      new_str: {
        description:
          'Optional parameter of `str_replace` command containing the new string (if not given, no string will be added). Required parameter of `insert` command containing the string to insert.',
        type: 'string',
      },
      insert_line: {
        description:
          'Required parameter of `insert` command. The `new_str` will be inserted AFTER the line `insert_line` of `path`.',
        type: 'integer',
      },
      view_range: {
        description:
          'Optional parameter of `view` command when `path` points to a file. If none is given, the full file is shown. If provided, the file will be shown in the indicated line number range, e.g. [11, 12] will show lines 11 and 12. Indexing at 1 to start. Setting `[start_line, -1]` shows all lines from `start_line` to the end of the file.',
        items: { type: 'integer' },
        type: 'array',
      },
      security_risk: SECURITY_RISK_PARAMETER,
    },
    required: ['command', 'path', 'security_risk'],
  };
}

const ALLOWED_ARGUMENTS = [
  'command',
  'path',
  'file_text',
  'old_str',
  'new_str',
  'insert_line',
  'view_range',
  'security_risk',
] as const;

const ArgumentsSchema = z.object({
  command: z.string(),
  path: z.string().min(1),
  file_text: z.string().optional(),
  old_str: z.string().optional(),
  new_str: z.string().optional(),
});

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** OHEditor's `ToolError` shape: the model reads `ERROR:` and the editor's sentence. */
function editorError(message: string): { ok: false; message: string } {
  return { ok: false, message: `ERROR:\n${message}` };
}

/** An integer, also from a numeric string (models drift); OHEditor's wording otherwise. */
function parseInsertLine(value: unknown): Parsed<number | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number === 'number' && Number.isInteger(number)) return { ok: true, value: number };
  return editorError(`Invalid \`insert_line\` parameter: ${JSON.stringify(value)}. It should be an integer.`);
}

/** Two integers, also as a JSON string (models drift); OHEditor's wording otherwise. */
function parseViewRange(value: unknown): Parsed<[number, number] | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  let candidate: unknown = value;
  if (typeof value === 'string') {
    try {
      candidate = JSON.parse(value) as unknown;
    } catch {
      candidate = value;
    }
  }
  const pair = z.tuple([z.number().int(), z.number().int()]).safeParse(candidate);
  if (pair.success) return { ok: true, value: pair.data };
  return editorError(
    `Invalid \`view_range\` parameter: ${JSON.stringify(value)}. It should be a list of two integers.`,
  );
}

/**
 * OpenHands' `response_to_actions` for this tool: `view` reads only `view_range`; the other
 * commands drop `view_range` and refuse arguments the tool does not have.
 */
function unexpectedArgument(args: Record<string, unknown>): string | undefined {
  const allowed: readonly string[] = ALLOWED_ARGUMENTS;
  const unexpected = Object.keys(args).find((key) => !allowed.includes(key));
  if (unexpected === undefined) return undefined;
  const set = `{${ALLOWED_ARGUMENTS.map((name) => `'${name}'`).join(', ')}}`;
  return `Unexpected argument ${unexpected} in tool call ${STR_REPLACE_EDITOR_TOOL_NAME}. Allowed arguments are: ${set}`;
}

function toAction(args: Record<string, unknown>): ToolParseResult {
  const parsed = parseArguments(STR_REPLACE_EDITOR_TOOL_NAME, ['command', 'path'], ArgumentsSchema, args);
  if (!parsed.ok) return parsed;
  const command = FileEditorCommandSchema.safeParse(parsed.value.command);
  if (!command.success) {
    return editorError(
      `Unrecognized command ${parsed.value.command}. The allowed commands for the ${STR_REPLACE_EDITOR_TOOL_NAME} tool are: ${FileEditorCommandSchema.options.join(', ')}`,
    );
  }
  const { path } = parsed.value;
  if (command.data === 'view') {
    const viewRange = parseViewRange(args['view_range']);
    if (!viewRange.ok) return viewRange;
    return {
      ok: true,
      action: { type: 'file_editor', command: 'view', path, ...optional({ viewRange: viewRange.value }) },
    };
  }
  const unexpected = unexpectedArgument(args);
  if (unexpected !== undefined) return { ok: false, message: unexpected };
  const insertLine = parseInsertLine(args['insert_line']);
  if (!insertLine.ok) return insertLine;
  const { file_text: fileText, old_str: oldStr, new_str: newStr } = parsed.value;
  const action: FileEditorAction = {
    type: 'file_editor',
    command: command.data,
    path,
    ...optional({ fileText, oldStr, newStr, insertLine: insertLine.value }),
  };
  return { ok: true, action };
}

/** Keeps only the fields that have a value, so actions carry no `undefined` keys. */
function optional<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function toArguments(action: Action): Record<string, unknown> {
  if (action.type !== 'file_editor')
    throw new Error(`${STR_REPLACE_EDITOR_TOOL_NAME} cannot replay a ${action.type} action.`);
  return {
    command: action.command,
    path: action.path,
    ...optional({
      file_text: action.fileText,
      old_str: action.oldStr,
      new_str: action.newStr,
      insert_line: action.insertLine,
      view_range: action.viewRange,
    }),
  };
}

/** What the model reads: the editor's own words, which the sandbox already wrote. */
export function fileEditorToolOutput(observation: FileEditorObservation): string {
  return observation.output;
}

/** `str_replace_editor`: views, creates and edits files in the sandbox (OHEditor's commands). */
export const strReplaceEditorTool: Tool = {
  name: STR_REPLACE_EDITOR_TOOL_NAME,
  definition: (context: ToolContext) => ({
    name: STR_REPLACE_EDITOR_TOOL_NAME,
    description: DESCRIPTION,
    parameters: parameters(context.workspace),
  }),
  toAction,
  toArguments,
};
