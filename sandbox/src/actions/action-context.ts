import type { ShellSessions } from '../shell/shell-sessions';
import type { EditorState } from './file-editor/editor-state';

/** What every action executor gets besides its action. */
export interface ActionContext {
  /** The workspace folder (absolute); actions are confined to it. */
  workspace: string;
  /** The environment commands run with; already free of Handoff's own variables. */
  env: NodeJS.ProcessEnv;
  /** The persistent shell sessions commands run in; shutdown closes them. */
  shells: ShellSessions;
  /** The file editor's undo history and per-file locks, made once per server. */
  editor: EditorState;
  /** Aborts when the request's HTTP client went away; a running command is then interrupted. */
  signal?: AbortSignal;
  /**
   * The unprivileged user commands run as (`HANDOFF_COMMAND_USER`); files the sandbox itself
   * writes (editor, uploads) are given to this user. Undefined: the server's own user.
   */
  commandUser?: CommandUser;
}

/** An unprivileged account of the sandbox, resolved from its name at start. */
export interface CommandUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** Prefix of the action server's own variables; none of them reaches a command. */
const HANDOFF_PREFIX = 'HANDOFF_';

/**
 * The environment for commands: `env` minus every `HANDOFF_*` variable, above all the session
 * key, which would let a command call the action server and the agent server as the agent.
 */
export function commandEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !name.toUpperCase().startsWith(HANDOFF_PREFIX)),
  );
}
