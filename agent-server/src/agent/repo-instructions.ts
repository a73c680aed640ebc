/**
 * @module Repository instructions, as OpenHands reads them: `AGENTS.md` at the workspace root
 * and `.openhands/microagents/*.md`. A microagent with `triggers` is knowledge recalled when a
 * user message names a trigger (`microagent_info.j2`, `<EXTRA_INFO>`); one without triggers, or
 * with `type: repo`, is always on (`<REPOSITORY_INSTRUCTIONS>`).
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Event } from '@handoff/protocol';
import type { Logger } from '../logger';
import type { HistoryItem } from './view';

/** The most characters of one instructions file that enter the prompt. */
export const MAX_INSTRUCTIONS_CHARS = 20_000;

/** One instructions file. */
export interface Microagent {
  /** Path relative to the workspace. */
  source: string;
  /** Lower-cased trigger words; empty for an always-on file. */
  triggers: string[];
  content: string;
}

/** What the workspace tells the agent. */
export interface RepoInstructions {
  alwaysOn: Microagent[];
  triggered: Microagent[];
}

/** No instructions at all. */
export const NO_INSTRUCTIONS: RepoInstructions = { alwaysOn: [], triggered: [] };

/** Reads `AGENTS.md` and the microagents of `workspace`; a missing or unreadable file is skipped. */
export async function loadRepoInstructions(workspace: string, logger: Logger): Promise<RepoInstructions> {
  const instructions: RepoInstructions = { alwaysOn: [], triggered: [] };
  const agentsMd = await readCapped(path.join(workspace, 'AGENTS.md'), logger);
  if (agentsMd !== undefined)
    instructions.alwaysOn.push({ source: 'AGENTS.md', triggers: [], content: agentsMd });
  const folder = path.join(workspace, '.openhands', 'microagents');
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const name of names.filter((file) => file.endsWith('.md')).sort()) {
    const text = await readCapped(path.join(folder, name), logger);
    if (text === undefined) continue;
    const agent = parseMicroagent(`.openhands/microagents/${name}`, text);
    (agent.triggers.length === 0 ? instructions.alwaysOn : instructions.triggered).push(agent);
  }
  return instructions;
}

async function readCapped(file: string, logger: Logger): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      logger.warn('Cannot read instructions', { file, error });
    return undefined;
  }
  if (text.length <= MAX_INSTRUCTIONS_CHARS) return text;
  return `${text.slice(0, MAX_INSTRUCTIONS_CHARS)}\n[... truncated: the file is longer than ${MAX_INSTRUCTIONS_CHARS} characters ...]`;
}

/** Splits a microagent file into its frontmatter (`type`, `triggers`) and content. */
export function parseMicroagent(source: string, text: string): Microagent {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (match === null) return { source, triggers: [], content: text.trim() };
  const frontmatter = match[1] ?? '';
  const content = (match[2] ?? '').trim();
  if (/^type:\s*['"]?repo['"]?\s*$/m.test(frontmatter)) return { source, triggers: [], content };
  return { source, triggers: parseTriggers(frontmatter), content };
}

/** `triggers: [a, b]` or a block list under `triggers:`. */
function parseTriggers(frontmatter: string): string[] {
  const lines = frontmatter.split(/\r?\n/);
  const start = lines.findIndex((line) => /^triggers:/.test(line));
  if (start === -1) return [];
  const inline = /^triggers:\s*\[(.*)\]\s*$/.exec(lines[start] ?? '');
  const items: string[] = [];
  if (inline !== null) items.push(...(inline[1] ?? '').split(','));
  else {
    for (const line of lines.slice(start + 1)) {
      const item = /^\s*-\s*(.+)$/.exec(line);
      if (item === null) break;
      items.push(item[1] ?? '');
    }
  }
  return items
    .map((item) =>
      item
        .trim()
        .replace(/^['"]|['"]$/g, '')
        .toLowerCase(),
    )
    .filter((item) => item !== '');
}

/** The always-on instructions, as OpenHands words them (`additional_info.j2`); '' when none. */
export function repositoryInstructionsBlock(instructions: RepoInstructions): string {
  if (instructions.alwaysOn.length === 0) return '';
  const text = instructions.alwaysOn.map((agent) => agent.content).join('\n\n');
  return `<REPOSITORY_INSTRUCTIONS>\n${text}\n</REPOSITORY_INSTRUCTIONS>`;
}

/**
 * Inserts recalled knowledge after each user message that names a trigger (OpenHands'
 * `RecallObservation`), each microagent once per conversation, in `microagent_info.j2` words.
 */
export function withRecalledKnowledge(
  items: readonly HistoryItem[],
  instructions: RepoInstructions,
): HistoryItem[] {
  if (instructions.triggered.length === 0) return [...items];
  const recalled = new Set<Microagent>();
  const out: HistoryItem[] = [];
  for (const item of items) {
    out.push(item);
    if (!isUserMessage(item)) continue;
    const text = item.text.toLowerCase();
    const blocks: string[] = [];
    for (const agent of instructions.triggered) {
      const trigger = agent.triggers.find((word) => text.includes(word));
      if (trigger === undefined || recalled.has(agent)) continue;
      recalled.add(agent);
      blocks.push(
        `<EXTRA_INFO>\nThe following information has been included based on a keyword match for "${trigger}".\nIt may or may not be relevant to the user's request.\n\n${agent.content}\n</EXTRA_INFO>`,
      );
    }
    if (blocks.length > 0) out.push({ type: 'context', text: blocks.join('\n\n') });
  }
  return out;
}

function isUserMessage(item: HistoryItem): item is Extract<Event, { type: 'message' }> {
  return item.type === 'message' && item.source === 'user';
}
