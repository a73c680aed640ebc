import type { RunCommandAction } from '@handoff/protocol';
import { describe, expect, it } from 'vitest';
import { runScripted } from '../testing/agent-harness';
import { fakeRunCommandObservation } from '../testing/fake-sandbox-client';
import type { FakeSandboxHandler } from '../testing/fake-sandbox-client';

const SECRET = 'sk-live-9f8e7d6c5b4a';
const secrets = { API_TOKEN: SECRET };
const bash = (command: string, extra: Record<string, unknown> = {}) => ({
  name: 'execute_bash',
  arguments: { command, security_risk: 'LOW', ...extra },
});
const finish = { name: 'finish', arguments: { message: 'done' } };

/** A bash that knows one file holding the secret; `tail -f` prints it in two pieces across a soft timeout. */
const handler: FakeSandboxHandler = (action) => {
  if (action.type !== 'run_command') throw new Error('editor not expected');
  if (action.command.startsWith('export ')) return fakeRunCommandObservation(action);
  if (action.command === 'cat .env')
    return fakeRunCommandObservation(action, { output: `API_TOKEN=${SECRET}\n` });
  if (action.command === 'tail -f app.log')
    return fakeRunCommandObservation(action, {
      status: 'no_change_timeout',
      exitCode: -1,
      output: `starting\nusing token ${SECRET.slice(0, 9)}`,
    });
  if (action.isInput === true)
    return fakeRunCommandObservation(action, { output: `${SECRET.slice(9)} ok\ndone\n` });
  return fakeRunCommandObservation(action);
};

describe('secrets', () => {
  it('exports the secrets once, unlogged, and never stores or sends their values', async () => {
    const { events, llm, sandbox, deltas } = await runScripted({
      steps: [
        { text: 'Reading the env file.', toolCalls: [bash('cat .env')] },
        { toolCalls: [bash('tail -f app.log')] },
        { toolCalls: [bash('', { is_input: 'true' })] },
        { text: `I saw ${SECRET} in there.`, toolCalls: [finish] },
      ],
      handler,
      context: { secrets },
    });
    const commands = sandbox.actions.map((a) => (a as RunCommandAction).command);
    expect(commands).toEqual([`export API_TOKEN='${SECRET}'`, 'cat .env', 'tail -f app.log', '']);
    const stored = JSON.stringify(events.all());
    const sent = JSON.stringify(llm.requests);
    expect(stored).not.toContain(SECRET);
    expect(sent).not.toContain(SECRET);
    expect(JSON.stringify(deltas)).not.toContain(SECRET);
    for (let cut = 4; cut < SECRET.length - 3; cut += 1) {
      expect(stored).not.toContain(SECRET.slice(0, cut) + '\\n');
    }
    expect(
      events
        .all()
        .some(
          (e) =>
            e.type === 'action' && e.action.type === 'run_command' && e.action.command.startsWith('export'),
        ),
    ).toBe(false);
    const outputs = events
      .all()
      .flatMap((e) =>
        e.type === 'observation' && e.observation.type === 'run_command' ? [e.observation.output] : [],
      );
    expect(outputs).toEqual([
      'API_TOKEN=<secret-hidden>\n',
      'starting\nusing token ',
      '<secret-hidden> ok\ndone\n',
    ]);
    expect(sent).toContain('$**API_TOKEN**');
  });

  it('does not export anything without secrets', async () => {
    const { sandbox } = await runScripted({ steps: [{ toolCalls: [bash('ls')] }, { toolCalls: [finish] }] });
    expect(sandbox.actions).toEqual([{ type: 'run_command', command: 'ls' }]);
  });

  it('masks a secret the model streams back, even split across deltas', async () => {
    const { deltas, events } = await runScripted({
      steps: [{ text: `token is ${SECRET}, right?` }],
      context: { secrets },
    });
    expect(deltas.map((d) => d.delta).join('')).toBe('token is <secret-hidden>, right?');
    expect(JSON.stringify(events.all())).not.toContain(SECRET);
  });
});
