import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, test } from 'vitest';
import { TEST_LABEL } from './docker-cli';
import { imageId, secondEngine } from './engines';
import { injectedImage, injectedSecondEngine } from './provided';

/** An HTTP server on 0.0.0.0:8000 that prints `listening` once it listens. */
const SERVER = `require('http').createServer((q, s) => s.end('hello from ' + require('os').hostname()))
  .listen(8000, '0.0.0.0', () => console.log('listening'))`;

/** The injected image and second engine; fails the test with the setup's reason when missing. */
function provided(): { image: string; host: string } {
  return { image: injectedImage(), host: injectedSecondEngine() };
}

/** Resolves with the container's first stdout line, following its logs (no polling). */
function firstLine(host: string, id: string): Promise<string> {
  const follower = spawn('docker', ['-H', host, 'logs', '--follow', id], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = createInterface({ input: follower.stdout });
  return new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    follower.once('close', () => {
      reject(new Error(`Container ${id} on ${host} stopped before printing a line.`));
    });
  }).finally(() => {
    lines.close();
    follower.kill();
  });
}

describe('the second Docker engine', () => {
  test('answers on its own socket and holds the sandbox image the main engine built', async () => {
    const { image, host } = provided();
    const engine = secondEngine();
    expect(engine.host).toBe(host);
    expect(await engine.isRunning()).toBe(true);
    expect(await engine.dockerOk(['info', '--format', '{{.DockerRootDir}}'])).toBe(
      '/var/lib/handoff-docker-2',
    );
    expect(await imageId(image, host)).toBe(await imageId(image));
  });

  test('runs a published container, which is gone while the engine is stopped and back after start', async () => {
    const { image, host } = provided();
    const engine = secondEngine();
    const id = await engine.dockerOk([
      'run', '--detach', '--label', TEST_LABEL, '--user', '1000', '--cap-drop', 'ALL',
      '--security-opt', 'no-new-privileges', '--read-only', '--publish', '127.0.0.1::8000',
      '--entrypoint', '/usr/bin/tini', image, '--', 'node', '-e', SERVER,
    ]); // prettier-ignore
    try {
      expect(await firstLine(host, id)).toBe('listening');
      const address = await engine.dockerOk(['inspect', '--format', '{{.NetworkSettings.IPAddress}}', id]);
      expect(address).toMatch(/^10\.213\./);
      const published = await engine.dockerOk(['port', id, '8000/tcp']);
      const url = `http://${published.split('\n')[0] ?? ''}/`;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(await (await fetch(url)).text()).toBe(`hello from ${id.slice(0, 12)}`);

      await engine.stop();
      await expect(fetch(url)).rejects.toThrow();
      const info = await engine.docker(['info']);
      expect(info.code).not.toBe(0);
      expect(await engine.isRunning()).toBe(false);

      await engine.start();
      expect(await engine.isRunning()).toBe(true);
      expect(await engine.dockerOk(['inspect', '--format', '{{.State.Status}}', id])).toBe('exited');
    } finally {
      await engine.start();
      await engine.docker(['rm', '--force', '--volumes', id]);
    }
  });
});
