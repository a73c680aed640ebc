import { describe, expect, it } from 'vitest';
import type { Event, SandboxInfo } from '@handoff/protocol';
import { Emitter } from '../common/emitter';
import type { MirrorService } from './mirror-service';
import { followSession } from './session-link';

const sandbox = (id: string): SandboxInfo => ({
  id,
  status: 'running',
  agentServerUrl: 'http://127.0.0.1:1',
  sessionApiKey: 'key-key-key-key-key',
  provider: 'process',
  labels: {},
  createdAt: '2026-11-25T00:00:00.000Z',
});

function fixture() {
  const emitters = {
    event: new Emitter<Event>(),
    reset: new Emitter<undefined>(),
    upload: new Emitter<{ sandbox: SandboxInfo; files: ReadonlyMap<string, string> }>(),
    shown: new Emitter<{ sandboxId: string; readOnly: boolean } | undefined>(),
  };
  let live: SandboxInfo | undefined;
  let uploaded: { sandbox: SandboxInfo } | undefined;
  const starts: { id: string; baseline: ReadonlyMap<string, string> }[] = [];
  let stops = 0;
  const mirror = {
    start: (conversation: { agentServerUrl: string }, baseline: ReadonlyMap<string, string>) => {
      starts.push({ id: live?.id ?? uploaded?.sandbox.id ?? conversation.agentServerUrl, baseline });
    },
    handle: () => undefined,
    stop: () => {
      stops += 1;
    },
  } as unknown as MirrorService;
  const link = followSession(
    {
      onDidReceiveEvent: emitters.event.event,
      onDidReset: emitters.reset.event,
      onDidUploadWorkspace: emitters.upload.event,
      onDidChangeConversation: emitters.shown.event,
      uploadManifest: () => uploaded,
      liveSandbox: () => live,
    },
    mirror,
  );
  return {
    emitters,
    starts,
    stops: () => stops,
    link,
    setLive: (value: SandboxInfo | undefined) => (live = value),
    setUploaded: (value: { sandbox: SandboxInfo } | undefined) => (uploaded = value),
  };
}

describe('followSession', () => {
  it('starts the mirror with the upload manifest once, not again when the conversation shows', () => {
    const f = fixture();
    const box = sandbox('sbx-a');
    f.setUploaded({ sandbox: box });
    f.emitters.upload.fire({ sandbox: box, files: new Map([['a.txt', 'sha']]) });
    f.setLive(box);
    f.emitters.shown.fire({ sandboxId: 'sbx-a', readOnly: false });
    expect(f.starts).toHaveLength(1);
    expect([...(f.starts[0]?.baseline ?? [])]).toEqual([['a.txt', 'sha']]);
  });

  it("never mirrors a solve's sandbox: its workspace is a clone of the repository, not this folder", () => {
    const f = fixture();
    f.setLive({ ...sandbox('sbx-solve'), labels: { solve: 'acme/sum-lib#1' } });
    f.emitters.shown.fire({ sandboxId: 'sbx-solve', readOnly: false });
    expect(f.starts).toHaveLength(0);
  });

  it('starts it without a baseline for a reopened live conversation, and not for an archived one', () => {
    const f = fixture();
    f.emitters.shown.fire({ sandboxId: 'sbx-gone', readOnly: true });
    expect(f.starts).toHaveLength(0);
    f.setLive(sandbox('sbx-b'));
    f.emitters.shown.fire({ sandboxId: 'sbx-b', readOnly: false });
    expect(f.starts).toHaveLength(1);
    expect(f.starts[0]?.baseline.size).toBe(0);
    f.emitters.reset.fire(undefined);
    expect(f.stops()).toBe(1);
    f.link.dispose();
  });
});
