import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { RuntimeApiError } from '../../errors';
import { errorFields } from '../../log';
import type { Logger } from '../../log';

/** A container lifecycle event of one of our sandboxes, as Docker reports it. */
export interface ContainerEvent {
  /** `die`, `pause`, `unpause`, `destroy`, `oom`, … */
  action: string;
  containerId: string;
  labels: Record<string, string>;
}

/** What an {@link Engine} tells its owner. */
export interface EngineEvents {
  /** The engine answers again after being away (or for the first time): resynchronise. */
  up: [];
  /** The engine stopped answering: its sandboxes are unavailable until `up`. */
  down: [reason: string];
  container: [event: ContainerEvent];
}

/** How an {@link Engine} watches Docker. */
export interface EngineOptions {
  /** `unix:///var/run/docker.sock`, `tcp://host:2375`, `http(s)://host:port`. */
  host: string;
  /** Only events of containers with this label (`handoff.owner=<id>`) are followed. */
  eventLabel: string;
  logger: Logger;
  /** First and longest wait between reconnection attempts. */
  retryMs?: { first: number; max: number };
}

/** Builds the dockerode client for an endpoint string. */
export function dockerClient(host: string): Docker {
  const url = new URL(host);
  if (url.protocol === 'unix:') return new Docker({ socketPath: url.pathname });
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  const port = url.port === '' ? (protocol === 'https' ? 2376 : 2375) : Number(url.port);
  return new Docker({ host: url.hostname, port, protocol });
}

/**
 * One Docker endpoint: its client, whether it answers, and a live stream of our containers'
 * events. When the event stream breaks the engine is down; it then pings with backoff until the
 * engine answers, and says `up` so the owner resynchronises. Nothing polls while it is healthy.
 */
export class Engine extends EventEmitter<EngineEvents> {
  readonly host: string;
  readonly docker: Docker;
  private healthy = false;
  private lastError = 'not connected yet';
  private events: Readable | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: EngineOptions) {
    super();
    this.host = options.host;
    this.docker = dockerClient(options.host);
  }

  /** Whether the engine answered last time and its event stream is open. */
  get isHealthy(): boolean {
    return this.healthy;
  }

  /** Connects (or starts retrying in the background); resolves either way, after the first attempt. */
  async connect(): Promise<void> {
    await this.attempt(this.options.retryMs?.first ?? 250);
  }

  /** The `engine_unavailable` error for this engine, with the last reason it failed. */
  unavailable(): RuntimeApiError {
    return new RuntimeApiError(
      'engine_unavailable',
      `The Docker engine at ${this.host} does not answer (${this.lastError}). Start it (or check DOCKER_HOST / HANDOFF_DOCKER_HOSTS); runtime-api reconnects by itself.`,
      { details: { engine: this.host } },
    );
  }

  /** Marks the engine down after a failed call that looks like the engine, not the request. */
  reportFailure(error: unknown): void {
    if (!isConnectionError(error) || !this.healthy) return;
    this.markDown(error instanceof Error ? error.message : String(error));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.events?.destroy();
    this.removeAllListeners();
  }

  private async attempt(delayMs: number): Promise<void> {
    if (this.closed) return;
    try {
      await this.docker.ping();
      await this.followEvents();
      this.healthy = true;
      this.options.logger.info('docker engine up', { engine: this.host });
      this.emit('up');
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      this.scheduleRetry(delayMs);
    }
  }

  private scheduleRetry(delayMs: number): void {
    if (this.closed) return;
    const max = this.options.retryMs?.max ?? 5000;
    this.retryTimer = setTimeout(() => void this.attempt(Math.min(delayMs * 2, max)), delayMs);
    this.retryTimer.unref();
  }

  private async followEvents(): Promise<void> {
    const stream = (await this.docker.getEvents({
      filters: { type: ['container'], label: [this.options.eventLabel] },
    })) as unknown as Readable;
    this.events = stream;
    const lines = createInterface({ input: stream });
    lines.on('line', (line) => {
      this.onEventLine(line);
    });
    // readline re-emits the stream's error (the engine went away); `ended` below handles it.
    lines.on('error', () => undefined);
    const ended = (reason: string): void => {
      if (this.events !== stream) return;
      this.events = undefined;
      this.markDown(reason);
    };
    stream.once('error', (error: Error) => {
      ended(error.message);
    });
    stream.once('close', () => {
      ended('the event stream closed');
    });
  }

  private onEventLine(line: string): void {
    try {
      const event = JSON.parse(line) as {
        Action?: string;
        Actor?: { ID?: string; Attributes?: Record<string, string> };
      };
      const containerId = event.Actor?.ID;
      if (event.Action === undefined || containerId === undefined) return;
      this.emit('container', {
        action: event.Action.split(':')[0] ?? event.Action,
        containerId,
        labels: event.Actor?.Attributes ?? {},
      });
    } catch (error) {
      this.options.logger.warn('unreadable docker event', { engine: this.host, error: errorFields(error) });
    }
  }

  private markDown(reason: string): void {
    if (this.closed) return;
    const wasHealthy = this.healthy;
    this.healthy = false;
    this.lastError = reason;
    this.events?.destroy();
    this.events = undefined;
    if (wasHealthy) {
      this.options.logger.error('docker engine down', { engine: this.host, reason });
      this.emit('down', reason);
      this.scheduleRetry(this.options.retryMs?.first ?? 250);
    }
  }
}

/** Whether a dockerode failure means "the engine is not there" (not "the request was wrong"). */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return (
    typeof code === 'string' &&
    ['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'socket hang up'].includes(
      code,
    )
  );
}

/** The HTTP status dockerode attached to a failed call, if any. */
export function dockerStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
