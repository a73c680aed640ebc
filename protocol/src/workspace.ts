import { z } from 'zod';

/**
 * One workspace file that changed since the previous scan, by whatever means (editor, `sed -i`,
 * `git checkout`, a generator). The extension mirrors these into the user's workspace.
 */
export const WorkspaceChangeSchema = z
  .object({
    /** Path relative to the workspace root, `/`-separated, never starting with `/` or `..`. */
    path: z.string().min(1),
    /** What happened to it. */
    kind: z.enum(['created', 'modified', 'deleted']),
    /** SHA-256 of the new content, hex; absent for deletions and symlinks. */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    /** Size in bytes of the new content; absent for deletions. */
    size: z.number().int().nonnegative().optional(),
    /** Where a symlink points, when the entry is a symlink. */
    symlinkTarget: z.string().optional(),
    /** True when the file is executable. */
    executable: z.boolean().optional(),
  })
  .strict();
/** A workspace change. */
export type WorkspaceChange = z.infer<typeof WorkspaceChangeSchema>;

/** One entry of a directory listing. */
export const DirectoryEntrySchema = z
  .object({
    /** The entry's name (no `/`). */
    name: z.string().min(1),
    /** What it is; symlinks are not followed. */
    kind: z.enum(['file', 'directory', 'symlink', 'other']),
    /** Size in bytes (of the link itself for symlinks). */
    size: z.number().int().nonnegative(),
    /** Last modification, ISO 8601. */
    modifiedAt: z.iso.datetime(),
  })
  .strict();
/** A directory entry. */
export type DirectoryEntry = z.infer<typeof DirectoryEntrySchema>;
