/**
 * @module Packs workspace files into a tar stream (node-tar) and hashes what goes into it, by
 * reading the very stream that is sent back through a tar parser.
 */
import { createHash } from 'node:crypto';
import { Pack, Parser } from 'tar';
import type { ReadEntry } from 'tar';

/** A tar stream being produced, and the hashes of what it carried once it has been read to the end. */
export interface PackedWorkspace {
  /** The archive; read it once. */
  stream: ReadableStream<Uint8Array>;
  /** Resolves, after `stream` ended, with path → sha256 (hex) of every regular file in it. */
  hashes: Promise<Map<string, string>>;
  /** Why packing failed (a file vanished or changed size while read), if it did. */
  failure(): Error | undefined;
}

/**
 * Packs `entries` (paths relative to `root`) as a portable tar: modes (executable bits) kept,
 * owners and devices left out, symlinks stored as links, no folder recursion. `onBytes` hears
 * the running total of archive bytes each time the reader takes a chunk.
 */
export function packWorkspace(
  root: string,
  entries: readonly string[],
  onBytes?: (sent: number) => void,
): PackedWorkspace {
  const pack = new Pack({ cwd: root, portable: true, noDirRecurse: true, follow: false });
  // Pack.add never reads "@file" as an archive to append, unlike tar.create's file list.
  for (const entry of entries) pack.add(entry);
  pack.end();
  const hashing = hashEntries();
  const iterator = pack[Symbol.asyncIterator]();
  let sent = 0;
  let failure: Error | undefined;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next().catch((error: unknown) => {
        failure = error instanceof Error ? error : new Error(String(error));
        throw failure;
      });
      if (next.done === true) {
        hashing.parser.end();
        controller.close();
        return;
      }
      const chunk: Buffer = next.value;
      hashing.parser.write(chunk);
      sent += chunk.length;
      onBytes?.(sent);
      controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    },
    async cancel() {
      await iterator.return();
    },
  });
  return { stream, hashes: hashing.done, failure: () => failure };
}

/** A tar parser that hashes each regular file's content; hard links take their target's hash. */
function hashEntries(): { parser: Parser; done: Promise<Map<string, string>> } {
  const hashes = new Map<string, string>();
  const parser = new Parser();
  parser.on('entry', (entry: ReadEntry) => {
    const at = entry.path.replace(/^\.\//, '');
    if (entry.type === 'Link') {
      const linked = hashes.get((entry.linkpath ?? '').replace(/^\.\//, ''));
      if (linked !== undefined) hashes.set(at, linked);
    }
    if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
      entry.resume();
      return;
    }
    const hash = createHash('sha256');
    entry.on('data', (chunk: Buffer) => hash.update(chunk));
    entry.on('end', () => hashes.set(at, hash.digest('hex')));
  });
  const done = new Promise<Map<string, string>>((resolve, reject) => {
    parser.on('end', () => {
      resolve(hashes);
    });
    parser.on('error', reject);
  });
  return { parser, done };
}
