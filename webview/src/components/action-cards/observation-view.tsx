import type { ReactNode } from 'react';
import type { Observation } from '@handoff/protocol';
import { ChangedFiles } from './changed-files';
import { CommandOutput } from './command-output';
import { EditorOutput } from './editor-output';
import { TaskList } from './task-list';

type ObservationOf<T extends Observation['type']> = Extract<Observation, { type: T }>;
export type ObservationRenderer<T extends Observation['type']> = (props: {
  observation: ObservationOf<T>;
}) => ReactNode;

function ToolError({ observation }: { observation: ObservationOf<'tool_error'> }) {
  return (
    <p className="tool-error" data-testid="observation-tool-error">
      {observation.message}
    </p>
  );
}

function ThinkOutput({ observation }: { observation: ObservationOf<'think'> }) {
  return (
    <p className="thought" data-testid="observation-think">
      {observation.output}
    </p>
  );
}

function TaskTrackerOutput({ observation }: { observation: ObservationOf<'task_tracker'> }) {
  return <TaskList tasks={observation.taskList} />;
}

/** The user rejected the action in confirmation mode: it did not run. */
function UserRejected({ observation }: { observation: ObservationOf<'user_rejected'> }) {
  return (
    <p className="user-rejected" data-testid="observation-user-rejected">
      Rejected by you, not run{observation.reason ? `: ${observation.reason}` : '.'}
    </p>
  );
}

/** One renderer per observation type: a new type is a compile error until it has one. */
export const OBSERVATION_RENDERERS = {
  run_command: CommandOutput,
  file_editor: EditorOutput,
  think: ThinkOutput,
  task_tracker: TaskTrackerOutput,
  user_rejected: UserRejected,
  tool_error: ToolError,
} satisfies { [T in Observation['type']]: ObservationRenderer<T> };

/**
 * The body of an observation, inside its action's card or on its own, followed by the
 * workspace files it changed, when it reports any.
 */
export function ObservationView({ observation }: { observation: Observation }) {
  const Render = OBSERVATION_RENDERERS[observation.type] as ObservationRenderer<Observation['type']>;
  const changes = 'changes' in observation ? observation.changes : undefined;
  return (
    <div className="observation" data-testid="event-observation" data-observation-type={observation.type}>
      <Render observation={observation} />
      {changes !== undefined && <ChangedFiles changes={changes} />}
    </div>
  );
}
