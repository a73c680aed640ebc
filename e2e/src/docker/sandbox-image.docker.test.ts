import { describe, expect } from 'vitest';
import { ErrorBodySchema, SESSION_API_KEY_HEADER, type Event } from '@handoff/protocol';
import { runConversation } from '../clients';
import { docker, dockerOk, TEST_LABEL } from './docker-cli';
import { sandboxTest } from './sandbox-test';
import { digest, storyOf } from '../digest';
import { runThenFinish } from '../scripts';

const LLM_KEY = 'sk-docker-e2e-secret-llm-key-0123456789';

/** The output of the conversation's one command. */
function commandOutput(events: Event[]): string {
  const observation = events.find((e) => e.type === 'observation');
  if (observation?.type !== 'observation' || observation.observation.type !== 'run_command') {
    throw new Error(`No run_command observation in ${JSON.stringify(digest(events))}`);
  }
  return observation.observation.output;
}

/** Runs the image with `env` until it exits on its own; returns its exit status and output. */
async function runUntilExit(
  image: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const envArgs = Object.keys(env).flatMap((name) => ['--env', name]);
  const id = await dockerOk(['run', '--detach', '--label', TEST_LABEL, ...envArgs, image], { env });
  try {
    const code = Number(await dockerOk(['wait', id]));
    const { stdout, stderr } = await docker(['logs', id]);
    return { code, stdout, stderr };
  } finally {
    await docker(['rm', '--force', id]);
  }
}

describe('the sandbox image', () => {
  sandboxTest(
    'prints one ready line, answers /alive, and guards its API with the session key',
    async ({ sandbox }) => {
      expect((await sandbox.logs()).stdout).toBe('{"type":"ready","port":8000}\n');

      const alive = await fetch(`${sandbox.agentServerUrl}/alive`);
      expect(alive.status).toBe(200);
      expect(await alive.json()).toEqual({ status: 'ok' });

      const noKey = await fetch(`${sandbox.agentServerUrl}/api/conversations`);
      expect(noKey.status).toBe(401);
      expect(ErrorBodySchema.parse(await noKey.json()).code).toBe('unauthorized');
      const wrongKey = await fetch(`${sandbox.agentServerUrl}/api/conversations`, {
        headers: { [SESSION_API_KEY_HEADER]: 'wrong-key-wrong-key-wrong-key' },
      });
      expect(wrongKey.status).toBe(401);
      const withKey = await fetch(`${sandbox.agentServerUrl}/api/conversations`, {
        headers: { [SESSION_API_KEY_HEADER]: sandbox.sessionApiKey },
      });
      expect(withKey.status).toBe(200);
    },
  );

  sandboxTest('runs a conversation: echo hello over the real WebSocket', async ({ sandbox, startLlm }) => {
    const llm = await startLlm(runThenFinish('echo hello'));
    const { stream } = await runConversation(sandbox.info, {
      llm: { model: 'openai/gpt-4o', apiKey: LLM_KEY, baseUrl: llm.baseUrl },
      initialMessage: 'run echo hello',
    });

    expect(stream.frames[0]?.type).toBe('welcome');
    const events = stream.events;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(storyOf(events)).toEqual([
      'message:user',
      'action:execute_bash',
      'observation:hello:0',
      'action:finish',
      'message:agent',
      'state:finished',
    ]);
    expect(llm.server.requests).toHaveLength(2);
    expect(llm.server.requests[0]?.headers['authorization']).toBe(`Bearer ${LLM_KEY}`);
    expect(JSON.stringify(events)).not.toContain(LLM_KEY);
  });

  sandboxTest(
    "runs commands as handoff, who can read neither the services' environment nor the agent's state",
    async ({ sandbox, startLlm }) => {
      const command = [
        'id -un',
        'id -u',
        'cat /proc/1/environ',
        "cat /proc/$(pgrep -o -f '^node .*/action-server/main.js')/environ",
        "cat /proc/$(pgrep -o -f '^node .*/agent-server/main.js')/environ",
        'ls /var/lib/handoff',
        'echo "handoff variables: $(env | grep -c HANDOFF_)"',
        'stat -c "%U %a %n" /workspace /var/lib/handoff',
      ].join('; ');
      const llm = await startLlm(runThenFinish(command));
      const { stream } = await runConversation(sandbox.info, {
        llm: { model: 'openai/gpt-4o', apiKey: LLM_KEY, baseUrl: llm.baseUrl },
        initialMessage: 'who am I?',
      });

      const output = commandOutput(stream.events);
      expect(output).toMatch(/^handoff\r?\n1000\r?\n/);
      expect(output).toContain('cat: /proc/1/environ: Permission denied');
      expect(output.match(/cat: \/proc\/\d+\/environ: Permission denied/g)).toHaveLength(3);
      expect(output).toContain("ls: cannot open directory '/var/lib/handoff': Permission denied");
      expect(output).toContain('handoff variables: 0');
      expect(output).toContain('handoff 755 /workspace');
      expect(output).toContain('handoff-agent 700 /var/lib/handoff');
      // Neither the events nor what went back to the model carry the session key.
      expect(JSON.stringify(stream.events)).not.toContain(sandbox.sessionApiKey);
      expect(JSON.stringify(llm.server.requests.map((r) => r.body))).not.toContain(sandbox.sessionApiKey);
    },
  );

  sandboxTest('runs the services as their users, with node-pty built for the image', async ({ sandbox }) => {
    const ps = await sandbox.exec('ps -eo user:20,args');
    expect(ps.stdout).toMatch(/^root +\/usr\/bin\/tini -- node \/opt\/handoff\/supervisor\.mjs$/m);
    expect(ps.stdout).toMatch(/^root +node .*\/opt\/handoff\/action-server\/main\.js$/m);
    expect(ps.stdout).toMatch(/^handoff-agent +node .*\/opt\/handoff\/agent-server\/main\.js$/m);

    const pty = await sandbox.exec(
      `cd /opt/handoff && node -e "require('node-pty').spawn('/bin/sh', ['-c', 'echo pty-\\$((6 * 7))'], {}).onData((d) => process.stdout.write(d))"`,
      'handoff',
    );
    expect(pty.stderr).toBe('');
    expect(pty.stdout).toContain('pty-42');
  });

  sandboxTest('stops cleanly on SIGTERM (docker stop) with exit status 0', async ({ sandbox }) => {
    await dockerOk(['stop', '--time', '30', sandbox.id]);
    expect(await sandbox.wait()).toBe(0);
    const { stderr } = await sandbox.logs();
    expect(stderr).toContain('"msg":"stopping the sandbox: SIGTERM"');
    expect(stderr).toContain('"msg":"action-server exited"');
    expect(stderr).toContain('"msg":"agent-server exited"');
  });

  sandboxTest('stops with a failure status when one of its services dies', async ({ sandbox }) => {
    await sandbox.exec("pkill -KILL -f '^node .*/action-server/main.js'");
    expect(await sandbox.wait()).not.toBe(0);
    const { stderr } = await sandbox.logs();
    expect(stderr).toMatch(/"msg":"action-server exited".*"signal":"SIGKILL"/);
    expect(stderr).toContain('"msg":"stopping the sandbox: action-server exited"');
  });

  sandboxTest('refuses to start without a valid session key, with exit status 2', async ({ image }) => {
    const missing = await runUntilExit(image, {});
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('HANDOFF_SESSION_API_KEY is required');

    const short = await runUntilExit(image, { HANDOFF_SESSION_API_KEY: 'too-short' });
    expect(short.code).toBe(2);
    expect(short.stdout).toBe('');
    expect(short.stderr).toContain('HANDOFF_SESSION_API_KEY must be at least 16 characters');
    expect(short.stderr).toContain('"msg":"stopping the sandbox: action-server exited"');
    expect(short.stderr).not.toContain('too-short');
  });
});
