import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { aMessageEvent } from '@handoff/protocol/testing';
import { InvalidResponseError } from '../agent/errors';
import { Emitter } from '../common/emitter';
import { MirrorFixture, observationWith, sha } from '../testing/mirror-fixture';
import { AgentFileClient } from './agent-file-client';
import type { AgentFile } from './agent-file-client';
import { RESTRICTED_MODE_MESSAGE } from './mirror-service';

let fx: MirrorFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe('ordering', () => {
  it('never writes an older version after a newer one of the same file', async () => {
    let releaseFirst = (): void => undefined;
    const gate = new Promise<void>((resolve) => (releaseFirst = resolve));
    const reads: string[] = [];
    fx = await MirrorFixture.create({
      createReader: (endpoint) => {
        const client = new AgentFileClient(endpoint);
        return {
          read: async (path): Promise<AgentFile> => {
            const file = await client.read(path);
            reads.push(Buffer.from(file.content).toString());
            // The first read got v1; hold it until the report of v2 has arrived.
            if (reads.length === 1) await gate;
            return file;
          },
        };
      },
    });
    fx.start();
    fx.mirror.handle(observationWith([await fx.agentWrites('f.txt', 'v1')], 1));
    while (reads.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    fx.mirror.handle(observationWith([await fx.agentWrites('f.txt', 'v2', 'modified')], 2));
    releaseFirst();
    await fx.mirror.whenIdle();
    expect(reads).toEqual(['v1', 'v2']);
    expect((await fx.local('f.txt'))?.toString()).toBe('v2');
  });

  it('skips a report whose file changed again in the sandbox, and writes the later report', async () => {
    fx = await MirrorFixture.create();
    fx.start();
    const first = await fx.agentWrites('f.txt', 'v1');
    const second = await fx.agentWrites('f.txt', 'v2', 'modified');
    fx.mirror.handle(observationWith([first], 1));
    fx.mirror.handle(observationWith([second], 2));
    await fx.mirror.whenIdle();
    expect((await fx.local('f.txt'))?.toString()).toBe('v2');
  });
});

describe('refusals', () => {
  it('refuses content whose checksum does not match the report', async () => {
    fx = await MirrorFixture.create();
    fx.start();
    const report = await fx.agentWrites('f.txt', 'real');
    await fx.report({ ...report, sha256: sha('something else') });
    expect(await fx.local('f.txt')).toBeUndefined();
    expect(fx.states()).toEqual({});
  });

  it('refuses bytes that do not hash to the server header', async () => {
    const server = createServer((_request, response) => {
      response
        .writeHead(200, { 'x-handoff-sha256': sha('promised'), 'x-handoff-executable': 'false' })
        .end('delivered');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
    try {
      const client = new AgentFileClient({ agentServerUrl: url, sessionApiKey: 'k' });
      await expect(client.read('f.txt')).rejects.toBeInstanceOf(InvalidResponseError);
    } finally {
      server.close();
    }
  });

  it('ignores paths outside the workspace and inside .git', async () => {
    fx = await MirrorFixture.create();
    fx.start();
    const hook = await fx.agentWrites('.git/hooks/pre-commit', '#!/bin/sh\n');
    await fx.report(hook, { ...hook, path: '../escape.txt' }, { ...hook, path: '/etc/passwd' });
    expect(fx.server.requested).toEqual([]);
    expect(fx.states()).toEqual({});
  });

  it('ignores events without changes and everything before start or after stop', async () => {
    fx = await MirrorFixture.create();
    const report = await fx.agentWrites('f.txt', 'x');
    fx.mirror.handle(observationWith([report]));
    fx.start();
    fx.mirror.handle(aMessageEvent());
    fx.mirror.stop();
    await fx.report(report);
    expect(fx.server.requested).toEqual([]);
  });

  it('uses the session key and reports a missing file as gone', async () => {
    fx = await MirrorFixture.create();
    const client = new AgentFileClient({ agentServerUrl: fx.server.url, sessionApiKey: 'wrong' });
    await expect(client.read('f.txt')).rejects.toMatchObject({ code: 'unauthorized' });
    const right = new AgentFileClient({ agentServerUrl: fx.server.url, sessionApiKey: fx.key });
    await expect(right.read('missing.txt')).rejects.toMatchObject({ code: 'path_not_found' });
  });
});

describe('Restricted Mode', () => {
  it('mirrors nothing and says so once, then mirrors what came when trust is granted', async () => {
    let trusted = false;
    const granted = new Emitter<undefined>();
    const notices: string[] = [];
    fx = await MirrorFixture.create({
      trust: { isTrusted: () => trusted, onDidGrant: granted.event },
      notify: (message) => notices.push(message),
    });
    fx.start();
    await fx.report(await fx.agentWrites('a.txt', 'a'));
    await fx.report(await fx.agentWrites('b.txt', 'b'));
    expect(await fx.local('a.txt')).toBeUndefined();
    expect(fx.server.requested).toEqual([]);
    expect(notices).toEqual([RESTRICTED_MODE_MESSAGE]);

    trusted = true;
    granted.fire(undefined);
    await fx.mirror.whenIdle();
    expect((await fx.local('a.txt'))?.toString()).toBe('a');
    expect((await fx.local('b.txt'))?.toString()).toBe('b');
  });
});
