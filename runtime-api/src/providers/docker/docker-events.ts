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

/**
 * A broken sandbox whose containers Docker did not bring back by itself: an engine that restarts
 * restores the tools container and the agent container in no set order, and the agent container,
 * which lives in the tools container's network namespace, fails to start when it comes first (and
 * stays down). Starts the tools container when it is down, then starts the agent container (or
 * restarts it into the tools container's new namespace), and reads both states back. Containers
 * Docker is restarting itself are left to it.
 */
export async function healSandbox(sandbox: DockerSandbox, logger: Logger): Promise<void> {
  const { tools, agent } = sandbox.containers;
  if (tools === undefined || agent === undefined) return;
  const { docker } = sandbox.engine;
  try {
    const toolsState = (await docker.getContainer(tools).inspect()).State;
    if (toolsState.Restarting) return;
    const toolsStarted = !toolsState.Running;
    if (toolsStarted) await docker.getContainer(tools).start();
    const agentState = (await docker.getContainer(agent).inspect()).State;
    if (agentState.Restarting) return;
    if (toolsStarted && agentState.Running) await docker.getContainer(agent).restart({ t: 1 });
    else if (!agentState.Running) await docker.getContainer(agent).start();
    if (toolsStarted || !agentState.Running)
      logger.warn('sandbox containers Docker left down were started again', {
        sandboxId: sandbox.info.id,
        tools: toolsStarted,
      });
  } catch (error) {
    sandbox.engine.reportFailure(error);
  }
  await refreshState(sandbox);
}
