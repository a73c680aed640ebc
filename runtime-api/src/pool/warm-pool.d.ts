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
export declare class WarmPool<T> {
  private readonly options;
  /** Ready members per profile, oldest first (a `Set` keeps insertion order and deletes in O(1)). */
  private readonly ready;
  private readonly filling;
  private closed;
  constructor(options: WarmPoolOptions<T>);
  /** Whether `profile` is one the pool keeps warm. */
  serves(profile: string): boolean;
  /** Takes the oldest ready member of `profile`, or `undefined` when there is none; refills in the background. */
  lease(profile: string): T | undefined;
  /** Puts back a member leased but never handed out; stops it when the pool is full or closed. */
  release(profile: string, member: T): Promise<void>;
  /** Starts members in the background until every profile holds `size` (or the cap is reached). */
  replenish(): void;
  /** Stops one ready member (the oldest of any profile) to make room for a cold start; false when none is ready. */
  evictOne(): Promise<boolean>;
  /** Ready members per profile. */
  sizes(): Map<string, number>;
  /** Every ready member. */
  members(): T[];
  /** Resolves once no refill is in progress (tests and benchmarks wait on it). */
  settled(): Promise<void>;
  /**
   * Starts no more members and waits for refills in progress; stops every member unless
   * `stopMembers` is false (a persistent backend keeps them for the next owner to adopt).
   */
  close({ stopMembers }?: { stopMembers?: boolean }): Promise<void>;
  private fill;
  private isClosed;
  private stopQuietly;
}
