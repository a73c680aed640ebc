import { z } from 'zod';
import { WorkspaceChangeSchema } from '../workspace';

/** The five commands of OpenHands' `str_replace_editor`. */
export const FileEditorCommandSchema = z.enum(['view', 'create', 'str_replace', 'insert', 'undo_edit']);
/** A file-editor command. */
export type FileEditorCommand = z.infer<typeof FileEditorCommandSchema>;

/**
 * View, create or edit a file (the `str_replace_editor` tool). Which optional fields a command
 * needs is checked by the editor, which answers with OpenHands' wording so the model can fix it.
 */
export const FileEditorActionSchema = z
  .object({
    type: z.literal('file_editor'),
    /** What to do. */
    command: FileEditorCommandSchema,
    /** The file or directory: absolute inside the workspace, or relative to the workspace root. */
    path: z.string().min(1),
    /** `create`: the whole content of the new file. */
    fileText: z.string().optional(),
    /** `str_replace`: the exact text to replace; must occur exactly once. */
    oldStr: z.string().optional(),
    /** `str_replace`: the replacement (default empty); `insert`: the text to insert. */
    newStr: z.string().optional(),
    /** `insert`: insert after this line (0 = at the top). */
    insertLine: z.number().int().optional(),
    /** `view` of a file: `[start, end]`, 1-based and inclusive; `end` -1 means to the end. */
    viewRange: z.tuple([z.number().int(), z.number().int()]).optional(),
  })
  .strict();
/** A file-editor action. */
export type FileEditorAction = z.infer<typeof FileEditorActionSchema>;

/** The editor's answer. Refusals are data (`isError`), worded for the model as OpenHands does. */
export const FileEditorObservationSchema = z
  .object({
    type: z.literal('file_editor'),
    /** The command that ran. */
    command: FileEditorCommandSchema,
    /** The absolute path it acted on. */
    path: z.string(),
    /** The text the model reads (OpenHands' messages word for word). */
    output: z.string(),
    /** True when the command was refused or failed; nothing was changed then. */
    isError: z.boolean(),
    /** Unified diff of the change, for edits that changed the file. */
    diff: z.string().optional(),
    /** Workspace files this call created, modified or deleted (by anything). */
    changes: z.array(WorkspaceChangeSchema).optional(),
  })
  .strict();
/** A file-editor observation. */
export type FileEditorObservation = z.infer<typeof FileEditorObservationSchema>;
