import type { SandboxInfo } from '@handoff/protocol';
import { RuntimeApiError } from '../../errors';
import { errorFields } from '../../log';
import type { Logger } from '../../log';
import type { AgentServerClient } from '../agent-server-client';
import { isClaimed } from './docker-sandbox';
import type { DockerSandbox } from './docker-sandbox';

/** What the lifecycle policy needs from the provider. */
export interface DockerLifecycleOptions {
  idlePauseMs: number;
  reapAfterMs: number;
  lifecycleIntervalMs: number;
  maxRunning: number;
  logger: Logger;
  sandboxes(): DockerSandbox[];
  agents: AgentServerClient;
  pause(sandbox: DockerSandbox): Promise<SandboxInfo>;
  remove(sandbox: DockerSandbox, reason: string): Promise<void>;
  /** Brings a broken sandbox's containers back when Docker left them down, and reads them back. */
  heal(sandbox: DockerSandbox): Promise<void>;
}

/**
 * The policy that keeps an engine from filling up: claimed sandboxes with no client and no agent at
 * work are paused after `idlePauseMs`; at most `maxRunning` run (the least recently active idle
 * one is paused to make room); a sandbox paused or broken for `reapAfterMs` is removed, its owner
 * being gone. Warm-pool members are the pool's business and are left alone.
 */
export class DockerLifecycle {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(private readonly options: DockerLifecycleOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      this.ticking ??= this.tick().finally(() => (this.ticking = undefined));
    }, this.options.lifecycleIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass: heal what Docker restarted, refresh activity, pause the idle, reap the abandoned. */
  async tick(): Promise<void> {
    await this.healBroken();
    const now = Date.now();
    const running = this.claimed('running');
    await Promise.all(running.map((sandbox) => this.refreshActivity(sandbox)));
    const { idlePauseMs, reapAfterMs } = this.options;
    for (const sandbox of running)
      if (idlePauseMs > 0 && sandbox.idle === true && now - sandbox.lastActiveAt >= idlePauseMs)
        await this.quietly(sandbox, 'pause idle sandbox', () => this.options.pause(sandbox));
    if (reapAfterMs <= 0) return;
    for (const sandbox of [...this.claimed('paused'), ...this.claimed('error')]) {
      const inactiveMs = now - (sandbox.inactiveSince ?? now);
      if (inactiveMs >= reapAfterMs)
        await this.quietly(sandbox, 'reap abandoned sandbox', () =>
          this.options.remove(sandbox, `inactive for ${Math.round(inactiveMs / 1000)} s`),
        );
    }
  }

  /**
   * Reads broken sandboxes back from Docker: its restart policy may have brought one back while no
   * event reached us (an engine restoring its containers around our reconnection), or left one
   * down (see `healSandbox`), which is started again.
   */
  async healBroken(): Promise<void> {
    await Promise.all(this.claimed('error').map((sandbox) => this.options.heal(sandbox)));
  }

  /**
   * Before one more claimed sandbox runs: when `maxRunning` run already, pauses the least recently
   * active idle one; when none is idle, refuses with `pool_exhausted`.
   */
  async makeRoomToRun(): Promise<void> {
    const active = this.options
      .sandboxes()
      .filter(
        (sandbox) =>
          isClaimed(sandbox) && (sandbox.info.status === 'running' || sandbox.info.status === 'starting'),
      );
    if (active.length < this.options.maxRunning) return;
    const running = active.filter((sandbox) => sandbox.info.status === 'running');
    await Promise.all(running.map((sandbox) => this.refreshActivity(sandbox)));
    const idle = running
      .filter((sandbox) => sandbox.idle === true)
      .sort((a, b) => a.lastActiveAt - b.lastActiveAt);
    const [oldest] = idle;
    if (!oldest)
      throw new RuntimeApiError(
        'pool_exhausted',
        `${this.options.maxRunning} sandboxes are running and none is idle. Pause or stop one (POST /pause, POST /stop), or raise HANDOFF_MAX_RUNNING.`,
        { details: { maxRunning: this.options.maxRunning } },
      );
    this.options.logger.info('pausing the least recently active sandbox to make room', {
      sandboxId: oldest.info.id,
      maxRunning: this.options.maxRunning,
    });
    await this.options.pause(oldest);
  }

  private claimed(status: SandboxInfo['status']): DockerSandbox[] {
    return this.options
      .sandboxes()
      .filter(
        (sandbox) => isClaimed(sandbox) && sandbox.info.status === status && sandbox.stopping === undefined,
      );
  }

  /** Asks the agent server whether anyone is there; a sandbox that does not answer is not idle. */
  private async refreshActivity(sandbox: DockerSandbox): Promise<void> {
    try {
      const activity = await this.options.agents.activity(sandbox.info);
      const busy = activity.connections > 0 || activity.runningConversations > 0;
      const last = Date.parse(activity.lastActivityAt);
      sandbox.lastActiveAt = busy ? Date.now() : Math.max(sandbox.lastActiveAt, last);
      sandbox.idle = !busy;
    } catch {
      sandbox.idle = false;
    }
  }

  private async quietly(sandbox: DockerSandbox, what: string, action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.options.logger.warn(`could not ${what}`, {
        sandboxId: sandbox.info.id,
        error: errorFields(error),
      });
    }
  }
}
