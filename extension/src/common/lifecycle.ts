/**
 * @module Ownership of resources, after vscode-pull-request-github's `src/common/lifecycle.ts`.
 * Free of `vscode` so that `agent/` can use it too; `vscode.Disposable` fits `DisposableLike`.
 */

/** Anything that releases resources when disposed. */
export interface DisposableLike {
  dispose(): void;
}

/** Wraps a cleanup function as a disposable that runs at most once. */
export function toDisposable(dispose: () => void): DisposableLike {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      dispose();
    },
  };
}

/** Disposes every item, even when some throw; rethrows the first error afterwards. */
export function disposeAll(disposables: Iterable<DisposableLike>): void {
  let firstError: unknown;
  let failed = false;
  for (const disposable of disposables) {
    try {
      disposable.dispose();
    } catch (error) {
      if (!failed) firstError = error;
      failed = true;
    }
  }
  if (failed) throw firstError;
}

/** Base class for objects that own disposables: `_register` them, and `dispose` releases them all. */
export abstract class Disposable implements DisposableLike {
  private _isDisposed = false;
  private _disposables: DisposableLike[] = [];

  /** True once `dispose` ran. */
  protected get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Releases everything registered, newest first. Safe to call twice. */
  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    const owned = this._disposables.reverse();
    this._disposables = [];
    disposeAll(owned);
  }

  /** Takes ownership of `value`; registered after dispose, it is disposed at once. */
  protected _register<T extends DisposableLike>(value: T): T {
    if (this._isDisposed) {
      value.dispose();
    } else {
      this._disposables.push(value);
    }
    return value;
  }
}
