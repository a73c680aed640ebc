import type { CondensationEvent, Event } from '@handoff/protocol';
import { describe, expect, it } from 'vitest';
import type { LlmRequest } from '../llm/llm-client';
import { runScripted } from '../testing/agent-harness';
import { estimateTokens } from './build-prompt';
import { CONDENSE_AT_SHARE } from './condenser';
import { fakeRunCommandObservation } from '../testing/fake-sandbox-client';
import type { ScriptedLlmStep } from '../testing/scripted-llm-client';

const bash = (command: string) => ({ name: 'execute_bash', arguments: { command, security_risk: 'LOW' } });
const finish = { name: 'finish', arguments: { message: 'done' } };
const condensations = (events: readonly Event[]): CondensationEvent[] =>
  events.flatMap((e) => (e.type === 'condensation' ? [e] : []));
const promptText = (request: LlmRequest | undefined): string => JSON.stringify(request?.messages ?? []);

/** A `big …` command prints a 4,000-character block (about 1,000 tokens) naming it; others print their name. */
const bigOutput = (action: Parameters<typeof fakeRunCommandObservation>[0]) =>
  fakeRunCommandObservation(action, {
    output: `${action.command}:${action.command.startsWith('big') ? 'x'.repeat(4000) : ''}\n`,
  });

/** The size of a prompt with only the first message: system prompt and tools. */
async function basePromptTokens(): Promise<number> {
  const { llm } = await runScripted({ steps: [{ text: 'hi' }] });
  return estimateTokens(llm.requests[0]);
}

describe('condensation', () => {
  it('summarizes the middle when the prompt nears the context window; later prompts use the summary', async () => {
    const steps: ScriptedLlmStep[] = [
      ...['echo one', 'echo two', 'big three', 'big four', 'big five'].map((c) => ({ toolCalls: [bash(c)] })),
      { text: 'SUMMARY: ran one to four.', usage: { costUsd: 0.01 } },
      { toolCalls: [bash('echo six')] },
      { toolCalls: [finish] },
    ];
    // Room for the first messages and a little under three big outputs.
    const contextWindow = Math.ceil(((await basePromptTokens()) + 3000) / CONDENSE_AT_SHARE);
    const { events, llm, result } = await runScripted({
      steps,
      handler: (action) =>
        action.type === 'run_command' ? bigOutput(action) : Promise.reject(new Error('no')),
      context: { llmConfig: { model: 'openai/gpt-4o', contextWindow } },
    });
    expect(result.finalState).toBe('finished');
    const [condensation] = condensations(events.all());
    expect(condensation).toMatchObject({
      summary: 'SUMMARY: ran one to four.',
      reason: 'context_limit',
      source: 'agent',
    });
    const summaryRequest = llm.requests[5];
    expect(summaryRequest?.tools).toEqual([]);
    expect(summaryRequest?.messages[0]?.content).toMatch(/^Create a context checkpoint for another agent/);
    expect(summaryRequest?.messages[0]?.content).toContain('<EVENT>\nAction execute_bash:');
    const usage = events.all().flatMap((e) => (e.type === 'llm_usage' ? [e.purpose] : []));
    expect(usage).toEqual(['step', 'step', 'step', 'step', 'step', 'condensation', 'step', 'step']);

    const after = promptText(llm.requests[7]);
    expect(after).toContain('SUMMARY: ran one to four.');
    expect(after).toContain('do the task');
    const forgotten = events
      .all()
      .filter(
        (e) => condensation !== undefined && e.seq >= condensation.fromSeq && e.seq <= condensation.toSeq,
      );
    expect(forgotten.some((e) => e.type === 'observation')).toBe(true);
    for (const event of forgotten) if (event.type === 'action') expect(after).not.toContain(event.toolCallId);
    expect(after).toContain('echo one:');
    expect(after).not.toContain('big three:');
    expect(after).not.toContain('big four:');
    expect(after).toContain('big five:');
    expect(after).toContain('echo six:');
  });

  it('a context_overflow error condenses and retries the step instead of failing', async () => {
    const { events, llm, result } = await runScripted({
      steps: [
        ...['echo one', 'echo two', 'echo three'].map((c) => ({ toolCalls: [bash(c)] })),
        { error: { kind: 'context_overflow', message: 'prompt is too long' } },
        { text: 'SUMMARY: three commands ran.' },
        { toolCalls: [finish] },
      ],
      handler: (action) =>
        action.type === 'run_command' ? bigOutput(action) : Promise.reject(new Error('no')),
    });
    expect(result.finalState).toBe('finished');
    expect(condensations(events.all())).toMatchObject([
      { reason: 'context_overflow_error', summary: 'SUMMARY: three commands ran.' },
    ]);
    const retried = promptText(llm.requests[5]);
    expect(retried).toContain('SUMMARY: three commands ran.');
    // The first events stay (OpenHands' keep_first); the middle is forgotten.
    expect(retried).toContain('echo one:');
    expect(retried).not.toContain('big three:');
    expect(events.all().some((e) => e.type === 'error')).toBe(false);
  });

  it('fails with context_window_exceeded when it still overflows after condensing', async () => {
    const { events, result } = await runScripted({
      steps: [
        ...['echo one', 'echo two', 'echo three'].map((c) => ({ toolCalls: [bash(c)] })),
        { error: { kind: 'context_overflow', message: 'prompt is too long' } },
        { text: 'SUMMARY' },
        { error: { kind: 'context_overflow', message: 'prompt is too long' } },
      ],
    });
    expect(result.finalState).toBe('error');
    expect(events.all().findLast((e) => e.type === 'error')).toMatchObject({
      error: { code: 'context_window_exceeded' },
    });
  });

  it('fails with context_window_exceeded when there is nothing to condense', async () => {
    const { events, result } = await runScripted({
      steps: [{ error: { kind: 'context_overflow', message: 'prompt is too long' } }],
    });
    expect(result.finalState).toBe('error');
    expect(events.all().findLast((e) => e.type === 'error')).toMatchObject({
      error: { code: 'context_window_exceeded' },
    });
  });
});
