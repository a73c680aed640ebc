import { errorFields } from '../log';
import type { Logger } from '../log';

/** What a {@link WarmPool} needs from the backend that owns its members. */
export interface WarmPoolOptions<T> {
  /** Ready members kept per profile; `0` disables the pool. */
  size: number;
  /** The profiles kept warm (`default`, or an image name). */
  profiles: readonly string[];
  /** Starts one generic member of `profile`; resolves once it is ready to serve. */
  start(profile: string): Promise<T>;
  /** Stops a member and removes what it left. */
  stop(member: T): Promise<void>;
  /** Whether one more sandbox may start now: the total cap counts pool members too. */
  hasRoom(): Promise<boolean>;
  logger: Logger;
}

/**
 * Keeps `size` ready members per profile, started ahead of time (after OpenHands' warm runtimes and
 * E2B's pre-started sandboxes). Backend-agnostic: the owner supplies `start` / `stop`.
 *
 * - {@link lease} takes a ready member in O(1) and refills in the background;
 * - {@link release} gives back a member leased but never handed out;
 * - {@link replenish} starts members until every profile is full or the cap is reached.
 * A refill that fails is logged and not retried until the next lease, release or replenish.
 */
export class WarmPool<T> {
  /** Ready members per profile, oldest first (a `Set` keeps insertion order and deletes in O(1)). */
  private readonly ready = new Map<string, Set<T>>();
  private readonly filling = new Map<string, Promise<void>>();
  private closed = false;

  constructor(private readonly options: WarmPoolOptions<T>) {
    for (const profile of options.profiles) this.ready.set(profile, new Set());
  }

  /** Whether `profile` is one the pool keeps warm. */
  serves(profile: string): boolean {
    return this.options.size > 0 && this.ready.has(profile);
  }

  /** Takes the oldest ready member of `profile`, or `undefined` when there is none; refills in the background. */
  lease(profile: string): T | undefined {
    const members = this.ready.get(profile);
    const member = members?.values().next();
    if (!members || !member || member.done === true) {
      this.replenish();
      return undefined;
    }
    members.delete(member.value);
    this.replenish();
    return member.value;
  }

  /** Puts back a member leased but never handed out; stops it when the pool is full or closed. */
  async release(profile: string, member: T): Promise<void> {
    const members = this.ready.get(profile);
    if (this.closed || !members || members.size >= this.options.size) {
      await this.stopQuietly(member);
      return;
    }
    members.add(member);
  }

  /** Starts members in the background until every profile holds `size` (or the cap is reached). */
  replenish(): void {
    if (this.closed || this.options.size === 0) return;
    for (const profile of this.ready.keys()) {
      if (this.filling.has(profile)) continue;
      const fill = this.fill(profile).finally(() => this.filling.delete(profile));
      this.filling.set(profile, fill);
    }
  }

  /** Stops one ready member (the oldest of any profile) to make room for a cold start; false when none is ready. */
  async evictOne(): Promise<boolean> {
    for (const members of this.ready.values()) {
      const first = members.values().next();
      if (first.done === true) continue;
      members.delete(first.value);
      await this.stopQuietly(first.value);
      return true;
    }
    return false;
  }

  /** Ready members per profile. */
  sizes(): Map<string, number> {
    return new Map([...this.ready].map(([profile, members]) => [profile, members.size]));
  }

  /** Every ready member. */
  members(): T[] {
    return [...this.ready.values()].flatMap((members) => [...members]);
  }

  /** Resolves once no refill is in progress (tests and benchmarks wait on it). */
  async settled(): Promise<void> {
    while (this.filling.size > 0) await Promise.all(this.filling.values());
  }

  /**
   * Starts no more members and waits for refills in progress; stops every member unless
   * `stopMembers` is false (a persistent backend keeps them for the next owner to adopt).
   */
  async close({ stopMembers = true }: { stopMembers?: boolean } = {}): Promise<void> {
    this.closed = true;
    await this.settled();
    const members = this.members();
    for (const set of this.ready.values()) set.clear();
    if (stopMembers) await Promise.all(members.map((member) => this.stopQuietly(member)));
  }

  private async fill(profile: string): Promise<void> {
    const members = this.ready.get(profile);
    while (members && !this.closed && members.size < this.options.size && (await this.options.hasRoom())) {
      let member: T;
      try {
        member = await this.options.start(profile);
      } catch (error) {
        if (!this.isClosed())
          this.options.logger.warn('warm pool could not start a member', {
            profile,
            error: errorFields(error),
          });
        return;
      }
      // Closed while it was starting: it would be orphaned in the pool.
      if (this.isClosed()) await this.stopQuietly(member);
      else members.add(member);
      if (members.size === this.options.size)
        this.options.logger.info('warm pool ready', { profile, size: members.size });
    }
  }

  // A method, not the field: `closed` changes while `fill` awaits, which narrowing cannot see.
  private isClosed(): boolean {
    return this.closed;
  }

  private async stopQuietly(member: T): Promise<void> {
    try {
      await this.options.stop(member);
    } catch (error) {
      this.options.logger.warn('warm pool could not stop a member', { error: errorFields(error) });
    }
  }
}
