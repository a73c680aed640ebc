import type { RunCommandObservation, RunCommandStatus } from '@handoff/protocol';

type Tone = 'ok' | 'failed' | 'running' | 'warning' | 'muted';

/** How each way a command call can end is shown: a badge with a word and a tone. */
const STATUS_BADGES = {
  completed: (o) => ({ label: `exit ${o.exitCode}`, tone: o.exitCode === 0 ? 'ok' : 'failed' }),
  no_change_timeout: () => ({ label: 'still running', tone: 'running' }),
  hard_timeout: () => ({ label: 'timed out', tone: 'failed' }),
  interrupted: () => ({ label: 'interrupted', tone: 'warning' }),
  busy: () => ({ label: 'busy: not run', tone: 'warning' }),
  no_running_command: () => ({ label: 'nothing running', tone: 'muted' }),
} satisfies Record<RunCommandStatus, (o: RunCommandObservation) => { label: string; tone: Tone }>;

/** The status of a command call as a badge. */
function StatusBadge({ observation }: { observation: RunCommandObservation }) {
  const { label, tone } = STATUS_BADGES[observation.status](observation);
  return (
    <vscode-badge
      className={`command-status tone-${tone}`}
      data-testid="command-status"
      data-status={observation.status}
      {...(observation.status === 'completed' ? { 'data-exit-code': String(observation.exitCode) } : {})}
    >
      {label}
    </vscode-badge>
  );
}

/** Output longer than this many lines starts folded. */
const FOLDED_ABOVE_LINES = 20;

function lineCount(output: string): number {
  return output === '' ? 0 : output.replace(/\n$/, '').split('\n').length;
}

/**
 * What a command printed, in a foldable block (long output starts folded) whose summary
 * keeps the exit status visible, then where the shell is.
 */
export function CommandOutput({ observation }: { observation: RunCommandObservation }) {
  const lines = lineCount(observation.output);
  return (
    <>
      <details
        className="command-output-block"
        data-testid="command-output"
        open={lines <= FOLDED_ABOVE_LINES}
      >
        <summary className="observation-meta">
          <span>Output ({lines === 1 ? '1 line' : `${String(lines)} lines`})</span>
          <StatusBadge observation={observation} />
        </summary>
        <pre className="command-output" data-testid="observation-output">
          {observation.output === '' ? '(no output)' : observation.output}
        </pre>
      </details>
      {observation.cwd !== '' && <span className="command-cwd">in {observation.cwd}</span>}
    </>
  );
}
