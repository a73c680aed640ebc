import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileEditorAction, FileEditorObservation } from '@handoff/protocol';
import { ShellSessions } from '../../shell/shell-sessions';
import { createTempWorkspace } from '../../testing/temp-workspace';
import type { ActionContext, CommandUser } from '../action-context';
import { execute } from './file-editor';
import { createEditorState } from './editor-state';

/** A temp workspace with an editor on it, for the editor's tests. */
export interface EditorFixture {
  workspace: string;
  ctx: ActionContext;
  /** Runs one editor command. */
  edit(action: Omit<FileEditorAction, 'type'>): Promise<FileEditorObservation>;
  /** Absolute path of a workspace-relative one. */
  at(relative: string): string;
  /** Writes a file (making its parents) and returns its absolute path. */
  put(relative: string, content: string | Buffer): Promise<string>;
  dispose(): Promise<void>;
}

/** Makes a fresh workspace and an editor context on it (optionally with a command user). */
export async function createEditorFixture(commandUser?: CommandUser): Promise<EditorFixture> {
  const temp = await createTempWorkspace('handoff-editor-');
  const ctx: ActionContext = {
    workspace: temp.path,
    env: {},
    shells: new ShellSessions({ workspace: temp.path, env: {} }),
    editor: createEditorState(),
    ...(commandUser === undefined ? {} : { commandUser }),
  };
  const at = (relative: string): string => path.join(temp.path, relative);
  return {
    workspace: temp.path,
    ctx,
    edit: (action) => execute({ type: 'file_editor', ...action }, ctx),
    at,
    put: async (relative, content) => {
      const file = at(relative);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
      return file;
    },
    dispose: async () => {
      await ctx.shells.close();
      await temp.dispose();
    },
  };
}

/** `cat -n` numbering of `content` from `start`, written independently of the editor's code. */
export function numbered(content: string, start = 1): string {
  return content
    .split('\n')
    .map((line, i) => `${' '.repeat(6 - String(start + i).length)}${start + i}\t${line}`)
    .join('\n');
}
