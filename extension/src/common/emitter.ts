import type { DisposableLike } from './lifecycle';

/** Subscribes a listener; dispose the result to unsubscribe (the shape of `vscode.Event`). */
export type Subscribe<T> = (listener: (value: T) => void) => DisposableLike;

/**
 * A small typed emitter for code that must not import `vscode` (`agent/`). Elsewhere
 * `vscode.EventEmitter` does the same job. A throwing listener does not stop the others.
 */
export class Emitter<T> implements DisposableLike {
  private readonly listeners = new Set<(value: T) => void>();
  private disposed = false;

  /** @param onListenerError where a listener's exception goes; the console by default. */
  constructor(
    private readonly onListenerError: (error: unknown) => void = (error) => {
      console.error(error);
    },
  ) {}

  /** Subscribe to the values this emitter fires. */
  readonly event: Subscribe<T> = (listener) => {
    if (this.disposed) return { dispose: () => undefined };
    // Wrap so that subscribing the same function twice gives two independent subscriptions.
    const entry = (value: T): void => {
      listener(value);
    };
    this.listeners.add(entry);
    return { dispose: () => this.listeners.delete(entry) };
  };

  /** Calls every listener with `value`, in subscription order. */
  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  /** Drops every listener; later `fire` calls do nothing. */
  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}
