import type { ReactNode } from 'react';
import type { Observation } from '@handoff/protocol';

type ObservationOf<T extends Observation['type']> = Extract<Observation, { type: T }>;
type ObservationRenderer<T extends Observation['type']> = (props: {
  observation: ObservationOf<T>;
}) => ReactNode;

function CommandOutput({ observation }: { observation: ObservationOf<'run_command'> }) {
  const failed = observation.exitCode !== 0;
  return (
    <>
      <pre className="command-output" data-testid="observation-output">
        {observation.output === '' ? '(no output)' : observation.output}
      </pre>
      <div className="observation-meta">
        <vscode-badge
          className={failed ? 'exit-code exit-code-failed' : 'exit-code'}
          data-testid="exit-code"
          data-exit-code={String(observation.exitCode)}
        >
          exit {observation.exitCode}
        </vscode-badge>
        {observation.timedOut && <span className="timed-out">timed out</span>}
      </div>
    </>
  );
}

function ToolError({ observation }: { observation: ObservationOf<'tool_error'> }) {
  return (
    <p className="tool-error" data-testid="observation-tool-error">
      {observation.message}
    </p>
  );
}

/** One renderer per observation type: a new type is a compile error until it has one. */
const OBSERVATION_RENDERERS = {
  run_command: CommandOutput,
  tool_error: ToolError,
} satisfies { [T in Observation['type']]: ObservationRenderer<T> };

/** The body of an observation, inside its action's card or on its own. */
export function ObservationView({ observation }: { observation: Observation }) {
  const Render = OBSERVATION_RENDERERS[observation.type] as ObservationRenderer<Observation['type']>;
  return (
    <div className="observation" data-testid="event-observation" data-observation-type={observation.type}>
      <Render observation={observation} />
    </div>
  );
}
