import type { ProgressReport, WorkspaceHost } from '../workspace/session-upload';

/** A {@link WorkspaceHost} with a settable folder and trust, recording each progress notification. */
export class FakeWorkspaceHost implements WorkspaceHost {
  /** Titles and reports of every progress notification. */
  readonly notifications: { title: string; reports: { message: string; increment: number }[] }[] = [];
  /** When true, each notification is cancelled as soon as it shows (the user pressed Cancel). */
  cancel = false;

  constructor(
    public folder: string | undefined,
    public trusted = true,
  ) {}

  root(): string | undefined {
    return this.folder;
  }

  isTrusted(): boolean {
    return this.trusted;
  }

  async withProgress<T>(
    title: string,
    task: (report: ProgressReport, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const notification = { title, reports: [] as { message: string; increment: number }[] };
    this.notifications.push(notification);
    const controller = new AbortController();
    if (this.cancel) controller.abort();
    return task((message, increment) => notification.reports.push({ message, increment }), controller.signal);
  }
}
