import type { Logger } from '../../log';
import { agentUrl } from './docker-launch';
import type { DockerSandbox } from './docker-sandbox';

/**
 * Docker restarted the tools container (its process died; restart policy): it has a new network
 * namespace, and the agent container still sits in the old one, so restart the agent as well.
 */
export async function rejoinAgent(sandbox: DockerSandbox, logger: Logger): Promise<void> {
  try {
    if (sandbox.containers.agent !== undefined)
      await sandbox.engine.docker.getContainer(sandbox.containers.agent).restart({ t: 1 });
    logger.warn('sandbox tools container restarted; agent container restarted with it', {
      sandboxId: sandbox.info.id,
    });
  } catch (error) {
    sandbox.engine.reportFailure(error);
  }
  await refreshState(sandbox);
}

/** A container was paused, unpaused or restarted outside runtime-api: read both states back from Docker. */
export async function refreshState(sandbox: DockerSandbox): Promise<void> {
  try {
    const ids = [sandbox.containers.agent, sandbox.containers.tools].filter((id) => id !== undefined);
    const inspected = await Promise.all(ids.map((id) => sandbox.engine.docker.getContainer(id).inspect()));
    const [agent, tools] = inspected;
    const states = inspected.map((info) => info.State);
    if (!agent || !tools || states.some((state) => !state.Running)) return;
    const paused = states.some((state) => state.Paused);
    sandbox.info.agentServerUrl = agentUrl(tools.NetworkSettings, sandbox.network);
    sandbox.info.status = paused ? 'paused' : 'running';
    sandbox.inactiveSince = paused ? (sandbox.inactiveSince ?? Date.now()) : undefined;
  } catch (error) {
    sandbox.engine.reportFailure(error);
  }
}
