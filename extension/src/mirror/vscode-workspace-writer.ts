/**
 * @module The mirror's writer in VS Code: every write goes through a `WorkspaceEdit`, so undo
 * works and open editors update; an open document gets its whole content replaced and saved.
 * Unsaved edits in an open editor count as the local content (they are the user's work).
 */
import { chmod, stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { confinedPath } from './confine';
import type { WorkspaceWriter, WriteOptions } from './workspace-writer';

const EDIT_METADATA: vscode.WorkspaceEditEntryMetadata = {
  label: "Handoff: the agent's edit",
  needsConfirmation: false,
};

/** Writes into the first workspace folder. */
export class VscodeWorkspaceWriter implements WorkspaceWriter {
  constructor(private readonly root: () => vscode.Uri | undefined) {}

  async read(path: string): Promise<Uint8Array | undefined> {
    const uri = await this.uri(path);
    const open = findOpenDocument(uri);
    if (open?.isDirty) return new TextEncoder().encode(open.getText());
    try {
      return await vscode.workspace.fs.readFile(uri);
    } catch (error) {
      if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
      throw error;
    }
  }

  async write(path: string, content: Uint8Array, options: WriteOptions): Promise<void> {
    const uri = await this.uri(path);
    const open = findOpenDocument(uri);
    const text = open ? decodeUtf8(content) : undefined;
    const edit = new vscode.WorkspaceEdit();
    if (open && text !== undefined) {
      const whole = new vscode.Range(open.positionAt(0), open.positionAt(open.getText().length));
      edit.replace(uri, whole, text, EDIT_METADATA);
    } else {
      edit.createFile(uri, { overwrite: true, contents: content }, EDIT_METADATA);
    }
    await apply(edit, path);
    if (open && text !== undefined && !(await open.save())) throw new Error(`Could not save ${path}.`);
    await setExecutable(uri, options.executable);
  }

  async delete(path: string): Promise<void> {
    const edit = new vscode.WorkspaceEdit();
    edit.deleteFile(await this.uri(path), { ignoreIfNotExists: true }, EDIT_METADATA);
    await apply(edit, path);
  }

  private async uri(path: string): Promise<vscode.Uri> {
    const root = this.root();
    if (!root) throw new Error("Open a folder to receive the agent's edits.");
    if (root.scheme !== 'file') return vscode.Uri.joinPath(root, ...path.split('/'));
    return vscode.Uri.file(await confinedPath(root.fsPath, path));
  }
}

async function apply(edit: vscode.WorkspaceEdit, path: string): Promise<void> {
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code refused the edit of ${path}.`);
}

function findOpenDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  const key = uri.toString();
  return vscode.workspace.textDocuments.find((document) => document.uri.toString() === key);
}

/** The text when `bytes` is valid UTF-8, else `undefined` (binary: written as bytes). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** WorkspaceEdit cannot set modes: the executable bit is set on disk afterwards. */
async function setExecutable(uri: vscode.Uri, executable: boolean): Promise<void> {
  if (uri.scheme !== 'file') return;
  const mode = (await stat(uri.fsPath)).mode & 0o777;
  const wanted = executable ? mode | ((mode & 0o444) >> 2) : mode & ~0o111;
  if (wanted !== mode) await chmod(uri.fsPath, wanted);
}
