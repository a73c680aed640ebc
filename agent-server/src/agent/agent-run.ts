import type { AgentRunContext, ConversationEvents } from './agent-context';
import type { RepoInstructions } from './repo-instructions';
import { NO_INSTRUCTIONS, loadRepoInstructions, repositoryInstructionsBlock } from './repo-instructions';
import type { SecretMasker } from './secret-masker';
import { maskStrings, maskerFor } from './secret-masker';

/** One run of the agent: its context plus what the run works out once at its start. */
export interface AgentRun {
  ctx: AgentRunContext;
  /** The log, masking secrets in every event before it is stored. */
  events: ConversationEvents;
  masker: SecretMasker;
  /** The system prompt with the repository instructions. */
  systemPrompt: string;
  instructions: RepoInstructions;
  /** Shell sessions the secrets were exported into in this run. */
  exportedSessions: Set<string>;
}

/** Reads the workspace's instructions and sets up masking for a run. */
export async function startRun(ctx: AgentRunContext): Promise<AgentRun> {
  const masker = maskerFor(ctx.events, ctx.secrets, ctx.maskedValues);
  const instructions =
    ctx.workspace === '' ? NO_INSTRUCTIONS : await loadRepoInstructions(ctx.workspace, ctx.logger);
  // With server-wide values the masker may turn active during the run.
  const events: ConversationEvents =
    masker.active || ctx.maskedValues !== undefined
      ? { all: () => ctx.events.all(), append: (draft) => ctx.events.append(maskStrings(draft, masker)) }
      : ctx.events;
  return {
    ctx,
    events,
    masker,
    systemPrompt: [ctx.systemPrompt, repositoryInstructionsBlock(instructions), secretsBlock(ctx.secrets)]
      .filter((part) => part !== '')
      .join('\n\n'),
    instructions,
    exportedSessions: new Set(),
  };
}

/** Names the secrets the shell has (OpenHands' `<CUSTOM_SECRETS>`), never their values. */
function secretsBlock(secrets: Readonly<Record<string, string>>): string {
  const names = Object.keys(secrets).sort();
  if (names.length === 0) return '';
  const lines = names.map((name) => `* $**${name}**`).join('\n');
  return `<CUSTOM_SECRETS>\nYou are have access to the following environment variables\n${lines}\n</CUSTOM_SECRETS>`;
}
