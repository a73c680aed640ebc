/**
 * @module The webview's handle on VS Code, after the webview-ui-toolkit sample's
 * `utilities/vscode.ts`: `acquireVsCodeApi` inside VS Code, and in a plain browser (vite dev) a
 * stand-in that logs posts to the console and keeps state in localStorage.
 */
import type { WebviewToHostMessage } from '@handoff/protocol';
import type { HostTransport } from './host-client';

/** The API VS Code injects into webviews (it may be acquired only once). */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState<T>(state: T): T;
}

declare global {
  /** Present only inside a VS Code webview. */
  var acquireVsCodeApi: (() => VsCodeApi) | undefined;
}

const STATE_KEY = 'handoff.webview.state';

function browserStandIn(): VsCodeApi {
  return {
    postMessage: (message) => {
      console.info('[handoff] postMessage (no VS Code host)', message);
    },
    getState: () => {
      const saved = localStorage.getItem(STATE_KEY);
      return saved === null ? undefined : (JSON.parse(saved) as unknown);
    },
    setState: (state) => {
      localStorage.setItem(STATE_KEY, JSON.stringify(state));
      return state;
    },
  };
}

let api: VsCodeApi | undefined;

/** The VS Code API, acquired once; the browser stand-in outside VS Code. */
export function getVsCodeApi(): VsCodeApi {
  api ??=
    typeof globalThis.acquireVsCodeApi === 'function' ? globalThis.acquireVsCodeApi() : browserStandIn();
  return api;
}

/** The window's side of a message channel: where host messages arrive as `message` events. */
export type MessageTarget = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

/** A {@link HostTransport} over `postMessage`: posts through the VS Code API, listens on `target`. */
export function windowTransport(
  vscode: Pick<VsCodeApi, 'postMessage'> = getVsCodeApi(),
  target: MessageTarget = window,
): HostTransport {
  return {
    post: (message: WebviewToHostMessage) => {
      vscode.postMessage(message);
    },
    onMessage: (handler) => {
      const listener = (event: Event): void => {
        if (event instanceof MessageEvent) handler(event.data);
      };
      target.addEventListener('message', listener);
      return () => {
        target.removeEventListener('message', listener);
      };
    },
  };
}
