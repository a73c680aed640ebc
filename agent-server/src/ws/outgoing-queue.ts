import type { ServerFrame } from '@handoff/protocol';
import type { WebSocket } from 'ws';

/** Limits of one socket's outgoing side. */
export interface OutgoingLimits {
  /** Frames are handed to the socket only while its buffered bytes stay under this. */
  highWaterBytes: number;
  /** Most frames waiting here; past it live events are read back from the log instead. */
  maxQueuedFrames: number;
}

/** What a socket sent and held, for tests and benchmarks. */
export interface OutgoingStats {
  /** Frames handed to the socket. */
  sent: number;
  /** The most frames that ever waited in the queue. */
  peakQueued: number;
  /** The most bytes the socket ever buffered after a send. */
  peakBufferedBytes: number;
}

/**
 * The bounded outgoing side of one socket. Frames go to the socket while its buffer is under the
 * high-water mark and wait here otherwise; `refill` is asked for more when the queue runs dry
 * (the replay pulls its pages from the log that way, so it never piles up). Memory per socket
 * is at most `maxQueuedFrames` frames plus one high-water mark of bytes: `push` answers false
 * when the cap would be passed, and the caller reads from the log instead.
 */
export class OutgoingQueue {
  readonly #ws: WebSocket;
  readonly #limits: OutgoingLimits;
  readonly #stats: OutgoingStats = { sent: 0, peakQueued: 0, peakBufferedBytes: 0 };
  #frames: ServerFrame[] = [];
  #head = 0;
  #waitingForDrain = false;
  #refill: (() => ServerFrame[]) | undefined;
  readonly #onWritten = (): void => {
    if (this.#waitingForDrain && this.#ws.bufferedAmount < this.#limits.highWaterBytes) {
      this.#waitingForDrain = false;
      this.pump();
    }
  };

  constructor(ws: WebSocket, limits: OutgoingLimits) {
    this.#ws = ws;
    this.#limits = limits;
  }

  /** Counters so far. */
  get stats(): Readonly<OutgoingStats> {
    return this.#stats;
  }

  /** Frames waiting. */
  get length(): number {
    return this.#frames.length - this.#head;
  }

  /** Sets (or clears) the source asked for frames when the queue is empty. */
  setRefill(refill: (() => ServerFrame[]) | undefined): void {
    this.#refill = refill;
  }

  /**
   * Queues a frame and sends what the socket takes; false (nothing queued) when the cap is
   * reached, unless `force` (a welcome or an error, which must not be lost).
   */
  push(frame: ServerFrame, force = false): boolean {
    if (!force && this.length >= this.#limits.maxQueuedFrames) return false;
    this.#frames.push(frame);
    this.#stats.peakQueued = Math.max(this.#stats.peakQueued, this.length);
    this.pump();
    return true;
  }

  /** Sends queued frames while the socket's buffer is under the high-water mark. */
  pump(): void {
    const ws = this.#ws;
    while (!this.#waitingForDrain && ws.readyState === ws.OPEN) {
      if (ws.bufferedAmount >= this.#limits.highWaterBytes) {
        // Every frame was sent with #onWritten, and some are still in the buffer: the callback of
        // a later one sees the buffer under the mark and resumes sending.
        this.#waitingForDrain = true;
        return;
      }
      const frame = this.#next();
      if (frame === undefined) return;
      ws.send(JSON.stringify(frame), this.#onWritten);
      this.#stats.sent += 1;
      this.#stats.peakBufferedBytes = Math.max(this.#stats.peakBufferedBytes, ws.bufferedAmount);
    }
  }

  /** Sends everything still queued regardless of the high-water mark (before a close). */
  flush(): void {
    const ws = this.#ws;
    for (let frame = this.#next(false); frame !== undefined; frame = this.#next(false)) {
      if (ws.readyState !== ws.OPEN) break;
      ws.send(JSON.stringify(frame));
      this.#stats.sent += 1;
    }
    this.clear();
  }

  /** Drops every queued frame. */
  clear(): void {
    this.#frames = [];
    this.#head = 0;
    this.#refill = undefined;
  }

  #next(refill = true): ServerFrame | undefined {
    if (this.length === 0) {
      this.#frames = [];
      this.#head = 0;
      const more = refill ? this.#refill?.() : undefined;
      if (more === undefined || more.length === 0) return undefined;
      this.#frames = more;
      this.#stats.peakQueued = Math.max(this.#stats.peakQueued, more.length);
    }
    const frame = this.#frames[this.#head];
    this.#head += 1;
    return frame;
  }
}
