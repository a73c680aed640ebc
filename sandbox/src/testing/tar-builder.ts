import { Header, Pack } from 'tar';
import type { types } from 'tar';

/** One entry of a hand-made archive; anything a hostile client could send. */
export interface RawTarEntry {
  path: string;
  /** Default `File`. */
  type?: types.EntryTypeName;
  body?: string | Buffer;
  linkpath?: string;
  mode?: number;
  /** The size the header claims; the body's length by default. */
  size?: number;
}

const BLOCK = 512;

/**
 * Builds a tar archive entry by entry, exactly as given: absolute paths, `..`, links anywhere,
 * devices. `end: false` leaves out the end-of-archive blocks.
 */
export function rawTar(entries: readonly RawTarEntry[], options: { end?: boolean } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    const header = Buffer.alloc(BLOCK);
    new Header({
      path: entry.path,
      type: entry.type ?? 'File',
      size: entry.size ?? body.length,
      mode: entry.mode ?? 0o644,
      uid: 0,
      gid: 0,
      mtime: new Date(),
      ...(entry.linkpath === undefined ? {} : { linkpath: entry.linkpath }),
    }).encode(header, 0);
    blocks.push(header, body, Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK));
  }
  if (options.end ?? true) blocks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(blocks);
}

/** A tar of `names` under `cwd`, as node-tar packs it (symlinks kept). */
export async function packTar(
  cwd: string,
  names: string[],
  options: { gzip?: boolean } = {},
): Promise<Buffer> {
  const pack = new Pack({ cwd, gzip: options.gzip ?? false });
  for (const name of names) pack.add(name);
  pack.end();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk);
  return Buffer.concat(chunks);
}
