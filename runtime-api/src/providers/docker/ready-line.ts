import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { ReadyLineSchema } from '@handoff/protocol';
import type Docker from 'dockerode';

/** Kept of a container's stderr for the error message when it fails to start. */
const STDERR_TAIL_CHARS = 2000;

/** Why a container did not get ready. */
export class NotReadyError extends Error {
  override readonly name = 'NotReadyError';
  constructor(
    message: string,
    /** The end of its stderr. */
    readonly stderrTail: string,
  ) {
    super(message);
  }
}

/** An attached container's first stdout line, as a promise, and a way to let go of the stream. */
export interface ReadyWatch {
  /** Resolves with the port of the ready line. */
  ready: Promise<number>;
  detach(): void;
}

/**
 * Attaches to a container before it starts and resolves with the port of its ready line (the
 * first stdout line), so a start costs what Docker and the service cost: no polling. Rejects
 * when the container's output ends first (it exited), when the first line is something else, or
 * on `signal`. Detaches once settled: Docker keeps the logs, and an attached reader that stops
 * reading would block the container's writes.
 */
export async function watchReadyLine(
  docker: Docker,
  container: Docker.Container,
  name: string,
  signal: AbortSignal,
): Promise<ReadyWatch> {
  const stream = (await container.attach({
    stream: true,
    stdout: true,
    stderr: true,
    logs: true,
  })) as unknown as Readable;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  docker.modem.demuxStream(stream, stdout, stderr);
  let tail = '';
  stderr.setEncoding('utf8').on('data', (chunk: string) => {
    tail = `${tail}${chunk}`.slice(-STDERR_TAIL_CHARS);
  });
  const detach = (): void => {
    stream.destroy();
    stdout.destroy();
    stderr.destroy();
  };
  const ready = new Promise<number>((resolve, reject) => {
    const fail = (message: string): void => {
      reject(new NotReadyError(message, tail));
    };
    const lines = createInterface({ input: stdout });
    lines.once('line', (line) => {
      const parsed = parseReady(line);
      if (parsed === undefined)
        fail(`${name}'s first output line is not a ready line: ${line.slice(0, 200)}`);
      else resolve(parsed);
    });
    stream.once('end', () => {
      // Let the demuxed stderr drain into `tail` before the message is built.
      setImmediate(() => {
        fail(`${name} exited before it was ready`);
      });
    });
    stream.once('error', (error: Error) => {
      fail(`lost ${name}'s output: ${error.message}`);
    });
    signal.addEventListener('abort', () => {
      fail(signal.reason instanceof Error ? signal.reason.message : `${name} start aborted`);
    });
  });
  ready.then(detach, detach);
  return { ready, detach };
}

function parseReady(line: string): number | undefined {
  try {
    const parsed = ReadyLineSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data.port : undefined;
  } catch {
    return undefined;
  }
}
