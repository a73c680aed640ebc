/**
 * @module The session's upload step: whether to upload (a folder is open and trusted), the
 * progress notification, and the result the session keeps for mirroring. No `vscode` here:
 * extension.ts passes a {@link WorkspaceHost} made of the real calls.
 */
import { HandoffError } from '../agent/errors';
import { DEFAULT_MAX_UPLOAD_MB, formatMb, uploadWorkspace } from './upload-workspace';
import type { UploadProgress, WorkspaceUploadResult } from './upload-workspace';

/** Reports to a progress notification: a message and how many percent were added since the last report. */
export type ProgressReport = (message: string, increment: number) => void;

/** What the upload needs from VS Code. */
export interface WorkspaceHost {
  /** The folder to upload (the first workspace folder on disk); undefined when none is open. */
  root(): string | undefined;
  /** `vscode.workspace.isTrusted`: false in Restricted Mode. */
  isTrusted(): boolean;
  /** Runs `task` under a cancellable progress notification; cancelling aborts `signal`. */
  withProgress<T>(
    title: string,
    task: (report: ProgressReport, signal: AbortSignal) => Promise<T>,
  ): Promise<T>;
}

/** The outcome of {@link uploadForSession}. */
export type SessionUpload =
  | { kind: 'uploaded'; result: WorkspaceUploadResult }
  | { kind: 'skipped'; reason: 'no_folder' | 'untrusted'; message: string };

/** Said when Restricted Mode keeps the workspace local. */
export const UNTRUSTED_UPLOAD_MESSAGE =
  'Restricted Mode: your workspace was not uploaded, so the agent starts in an empty workspace. Trust the workspace to upload it with the next conversation.';
/** Said when no folder is open. */
export const NO_FOLDER_MESSAGE = 'No folder is open, so the agent starts in an empty workspace.';

/** Said when the user cancels the progress notification. */
export const UPLOAD_CANCELLED_MESSAGE =
  'The workspace upload was cancelled, so the conversation did not start.';

/**
 * Uploads the open, trusted workspace folder into the sandbox behind a progress notification;
 * skips (with a sentence for the user) when no folder is open or the workspace is not trusted.
 * Throws what `uploadWorkspace` throws (the size limit first); a cancel is a `HandoffError`
 * saying so.
 */
export async function uploadForSession(
  host: WorkspaceHost,
  server: { agentServerUrl: string; sessionApiKey: string },
  maxUploadMb: number = DEFAULT_MAX_UPLOAD_MB,
): Promise<SessionUpload> {
  const root = host.root();
  if (root === undefined) return { kind: 'skipped', reason: 'no_folder', message: NO_FOLDER_MESSAGE };
  if (!host.isTrusted()) return { kind: 'skipped', reason: 'untrusted', message: UNTRUSTED_UPLOAD_MESSAGE };
  const result = await host.withProgress('Handoff: uploading the workspace', async (report, signal) => {
    try {
      return await uploadWorkspace({
        root,
        server,
        limitBytes: maxUploadMb * 1024 * 1024,
        onProgress: progressReporter(report),
        signal,
      });
    } catch (error) {
      if (signal.aborted)
        throw new HandoffError('invalid_request', UPLOAD_CANCELLED_MESSAGE, { cause: error });
      throw error;
    }
  });
  return { kind: 'uploaded', result };
}

/** Turns byte counts into percent increments (whole percents, so the notification is not flooded). */
function progressReporter(report: ProgressReport): (progress: UploadProgress) => void {
  let shown = 0;
  return ({ sentBytes, totalBytes }) => {
    const percent = Math.floor((sentBytes / totalBytes) * 100);
    if (percent <= shown) return;
    report(`${formatMb(sentBytes)} of ${formatMb(totalBytes)}`, percent - shown);
    shown = percent;
  };
}
