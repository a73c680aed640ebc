import { readFile } from 'node:fs/promises';
import { fileValidation, ioFailure } from './editor-error';
import type { Target } from './resolve-target';
import { decodeText } from './text-codec';
import type { TextFormat } from './text-codec';

/** Files larger than this are neither shown nor edited (OpenHands' `MAX_FILE_SIZE_MB`). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** A text file as read for viewing or editing. */
export interface TextFile {
  /** The content as the model sees it (LF newlines, no BOM). */
  text: string;
  /** How to write it back. */
  format: TextFormat;
  /** The exact bytes on disk, kept for undo. */
  bytes: Buffer;
}

/**
 * Reads a regular file as text, with OpenHands' `validate_file` refusals: over 10 MB, or binary.
 */
export async function readTextFile(target: Target): Promise<TextFile> {
  const size = target.stats?.size ?? 0;
  if (size > MAX_FILE_BYTES) throw tooLarge(target.display, size);
  let bytes: Buffer;
  try {
    bytes = await readFile(target.real);
  } catch (error) {
    throw ioFailure(error, 'read', target.display);
  }
  // It may have grown since it was looked at.
  if (bytes.length > MAX_FILE_BYTES) throw tooLarge(target.display, bytes.length);
  const decoded = decodeText(bytes);
  if (decoded.kind === 'binary') {
    throw fileValidation(
      target.display,
      'File appears to be binary and this file type cannot be read or edited by this tool.',
    );
  }
  return { text: decoded.text, format: decoded.format, bytes };
}

function tooLarge(display: string, size: number) {
  return fileValidation(
    display,
    `File is too large (${(size / 1024 / 1024).toFixed(1)}MB). Maximum allowed size is ${MAX_FILE_BYTES / 1024 / 1024}MB.`,
  );
}
