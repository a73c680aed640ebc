/**
 * @module `mirror_latency_ms`: a file written in the sandbox → the same file on local disk.
 * The real stack (runtime-api, process sandbox, agent server, scripted LLM writing files with
 * `execute_bash`), the event stream over the real WebSocket, and the extension's mirror core
 * with the Node-fs writer. Latency = the local file's appearance (fs.watch, event-driven) minus
 * the file's mtime in the sandbox's workspace (a local folder with the process provider).
 */
import { existsSync, mkdtempSync, rmSync, statSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ServerFrameSchema } from '@handoff/protocol';
import { startScriptedLlmServer } from '../../agent-server/src/testing/scripted-llm-server';
import {
  EventStream,
  createConversation,
  reachedState,
  startSandbox,
  stopSandbox,
} from '../../e2e/src/clients';
import { startRuntimeStack } from '../../e2e/src/stack';
import { startNodeMirror } from '../../extension/src/testing/node-mirror';
import { summarize, type Timing } from './stats';

const FILES = 25;
const WARM_UP = 3;

function scriptWritingFiles(count: number) {
  const turns = Array.from({ length: count }, (_, i) => ({
    toolCalls: [
      {
        name: 'execute_bash',
        arguments: {
          command: `printf 'file %s\\n' ${String(i)} > mirrored-${String(i)}.txt`,
          security_risk: 'LOW',
        },
      },
    ],
  }));
  return [...turns, { toolCalls: [{ name: 'finish', arguments: { message: 'done' } }] }];
}

/** Records when each expected file name appears in `dir` (wall clock, ms). */
function watchArrivals(dir: string, names: Set<string>): { arrivals: Map<string, number>; close(): void } {
  const arrivals = new Map<string, number>();
  const watcher = watch(dir, (_kind, name) => {
    if (name === null || !names.has(name) || arrivals.has(name)) return;
    const at = performance.timeOrigin + performance.now();
    if (existsSync(path.join(dir, name))) arrivals.set(name, at);
  });
  return {
    arrivals,
    close: () => {
      watcher.close();
    },
  };
}

/** p50/p95 of sandbox-write → local-file over `FILES - WARM_UP` files. */
export async function benchMirrorLatency(): Promise<Timing> {
  const stack = await startRuntimeStack();
  const sandbox = await startSandbox(stack.runtime.url, stack.apiKey);
  const localDir = mkdtempSync(path.join(tmpdir(), 'handoff-mirror-bench-'));
  const sandboxWorkspace = path.join(stack.sandboxRoot, sandbox.id, 'workspace');
  const names = new Set(Array.from({ length: FILES }, (_, i) => `mirrored-${String(i)}.txt`));
  const watcher = watchArrivals(localDir, names);
  const mirror = startNodeMirror({ localDir, endpoint: sandbox });
  const llm = await startScriptedLlmServer(scriptWritingFiles(FILES));
  try {
    const conversation = await createConversation(sandbox, {
      llm: { model: 'openai/bench', apiKey: 'sk-bench', baseUrl: llm.url },
      initialMessage: 'write the files',
    });
    const stream = new EventStream(sandbox.agentServerUrl, conversation.id, sandbox.sessionApiKey);
    stream.socket.on('message', (data: Buffer) => {
      const frame = ServerFrameSchema.parse(JSON.parse(data.toString('utf8')));
      if (frame.type === 'event') mirror.handle(frame.event);
    });
    await stream.until(reachedState('finished'), 60_000);
    await stream.close();
    await mirror.whenIdle();
    const samples: number[] = [];
    for (let i = WARM_UP; i < FILES; i += 1) {
      const name = `mirrored-${String(i)}.txt`;
      const arrived = watcher.arrivals.get(name);
      if (arrived === undefined) throw new Error(`${name} never reached the local folder.`);
      samples.push(arrived - statSync(path.join(sandboxWorkspace, name)).mtimeMs);
    }
    return summarize(samples);
  } finally {
    watcher.close();
    mirror.dispose();
    await llm.close();
    await stopSandbox(stack.runtime.url, stack.apiKey, sandbox.id);
    await stack.close();
    rmSync(localDir, { recursive: true, force: true });
  }
}
