import type { Observation } from '@handoff/protocol';
import type { ChangeTracker } from './change-tracker';

/**
 * Which observations carry `changes`. An observation that cannot carry them triggers no scan,
 * so its changes are not lost but reported with the next action that can.
 */
const CARRIES_CHANGES = {
  run_command: true,
  file_editor: true,
  think: false,
  task_tracker: false,
  user_rejected: false,
  tool_error: false,
} as const satisfies Record<Observation['type'], boolean>;

/**
 * Runs an action and attaches the workspace changes since the previous scan to its observation
 * (left out when there are none). The action waits for the baseline scan, so nothing it does is
 * mistaken for the starting state. A failed scan is logged and the observation goes without
 * `changes`; the snapshot did not move, so the next scan reports them.
 */
export async function withChanges(
  tracker: ChangeTracker | undefined,
  run: () => Promise<Observation>,
): Promise<Observation> {
  if (tracker === undefined) return run();
  await tracker.start();
  const observation = await run();
  if (!CARRIES_CHANGES[observation.type]) return observation;
  const changes = await tracker.scanOrLog();
  if (changes === undefined || changes.length === 0) return observation;
  switch (observation.type) {
    case 'run_command':
    case 'file_editor':
      return { ...observation, changes };
    case 'think':
    case 'task_tracker':
    case 'user_rejected':
    case 'tool_error':
      return observation;
  }
}
