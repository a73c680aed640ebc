import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ConversationInfo, CreateConversationRequest, Event } from '@handoff/protocol';
import { ConversationInfoSchema, EventsPageSchema, SESSION_API_KEY_HEADER } from '@handoff/protocol';
import { BUNDLES, startService, type RunningService } from '../services';

/** The session key both services of the sandbox share in these tests. */
export const SESSION_KEY = 'e2e-agent-server-session-key-0123456789';

/** A bundled action server and agent server on one workspace and state folder. */
export interface AgentStack {
  readonly workspace: string;
  readonly stateDir: string;
  readonly sandbox: RunningService;
  agent: RunningService;
  /** Starts a fresh agent server process on the same state folder and key. */
  restartAgent(): Promise<RunningService>;
  close(): Promise<void>;
}

/** Starts `sandbox/dist/main.js` and `agent-server/dist/main.js` (run `npm run build` first). */
export async function startAgentStack(): Promise<AgentStack> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'e2e-agent-'));
  const workspace = path.join(root, 'workspace');
  const stateDir = path.join(root, 'state');
  await mkdir(workspace, { recursive: true });
  const sandbox = await startService(BUNDLES.actionServer, {
    HANDOFF_SESSION_API_KEY: SESSION_KEY,
    HANDOFF_WORKSPACE: workspace,
  });
  const agentEnv = {
    HANDOFF_SESSION_API_KEY: SESSION_KEY,
    HANDOFF_WORKSPACE: workspace,
    HANDOFF_ACTION_SERVER_URL: sandbox.url,
    HANDOFF_STATE_DIR: stateDir,
  };
  const stack: AgentStack = {
    workspace,
    stateDir,
    sandbox,
    agent: await startService(BUNDLES.agentServer, agentEnv),
    restartAgent: async () => {
      stack.agent = await startService(BUNDLES.agentServer, agentEnv);
      return stack.agent;
    },
    close: async () => {
      await stack.agent.stop();
      await sandbox.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
  return stack;
}

/** Calls the agent server's API with the session key. */
export async function api(
  agent: RunningService,
  pathname: string,
  method = 'GET',
  body?: unknown,
): Promise<Response> {
  return fetch(`${agent.url}/api/conversations${pathname}`, {
    method,
    headers: { [SESSION_API_KEY_HEADER]: SESSION_KEY, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Creates a conversation (201). */
export async function createConversation(
  agent: RunningService,
  request: CreateConversationRequest,
): Promise<ConversationInfo> {
  const response = await api(agent, '', 'POST', request);
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return ConversationInfoSchema.parse(await response.json());
}

/** Every event of a conversation, through the paged REST route. */
export async function allEvents(agent: RunningService, id: string): Promise<Event[]> {
  const events: Event[] = [];
  for (let afterSeq: number | undefined = 0; afterSeq !== undefined;) {
    const page = EventsPageSchema.parse(
      await (await api(agent, `/${id}/events?afterSeq=${afterSeq}&limit=1000`)).json(),
    );
    events.push(...page.items);
    afterSeq = page.nextAfterSeq;
  }
  return events;
}

/** The conversation's info. */
export async function infoOf(agent: RunningService, id: string): Promise<ConversationInfo> {
  return ConversationInfoSchema.parse(await (await api(agent, `/${id}`)).json());
}

/** True once a state event for `state` is among `events`. */
export const reached = (events: readonly Event[], state: string): boolean =>
  events.some((e) => e.type === 'agent_state_changed' && e.state === state);
