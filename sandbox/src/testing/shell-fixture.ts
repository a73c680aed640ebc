import { createEditorState } from '../actions/file-editor/editor-state';
import type { RunCommandAction, RunCommandObservation } from '@handoff/protocol';
import { commandEnv } from '../actions/action-context';
import type { ActionContext, CommandUser } from '../actions/action-context';
import { execute } from '../actions/run-command';
import { ShellSessions } from '../shell/shell-sessions';
import { createTempWorkspace } from './temp-workspace';

/** A temp workspace with real shell sessions on it, driven through the run-command executor. */
export interface ShellFixture {
  workspace: string;
  ctx: ActionContext;
  /** Runs one `run_command` action; `extra` adds `session`, `isInput`, timeouts, ... */
  run: (
    command: string,
    extra?: Partial<Omit<RunCommandAction, 'type' | 'command'>>,
  ) => Promise<RunCommandObservation>;
  /** Closes every session (killing their processes) and removes the workspace. */
  dispose: () => Promise<void>;
}

/** What a shell fixture may be given. */
export interface ShellFixtureOptions {
  /** The environment commands inherit (before `HANDOFF_*` is removed); `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  commandUser?: CommandUser;
  maxSessions?: number;
}

/** Makes a fresh workspace and shell sessions on it. */
export async function createShellFixture(options: ShellFixtureOptions = {}): Promise<ShellFixture> {
  const temp = await createTempWorkspace('handoff-shell-test-');
  const env = commandEnv(options.env ?? process.env);
  const { commandUser, maxSessions } = options;
  const shells = new ShellSessions({
    workspace: temp.path,
    env,
    ...(commandUser === undefined ? {} : { commandUser }),
    ...(maxSessions === undefined ? {} : { maxSessions }),
  });
  const ctx: ActionContext = {
    workspace: temp.path,
    env,
    shells,
    editor: createEditorState(),
    ...(commandUser ? { commandUser } : {}),
  };
  return {
    workspace: temp.path,
    ctx,
    run: (command, extra = {}) => execute({ type: 'run_command', command, ...extra }, ctx),
    dispose: async () => {
      await shells.close();
      await temp.dispose();
    },
  };
}
