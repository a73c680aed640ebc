/**
 * @module Renders a component into a real DOM (happy-dom, in tests that ask for it with
 * `// @vitest-environment happy-dom`) so that tests can click and type as a user would.
 */
import { act } from 'react';
import type { ReactNode } from 'react';
import { createRoot } from 'react-dom/client';

declare global {
  /** Tells React that updates are wrapped in `act`. */
  var IS_REACT_ACT_ENVIRONMENT: boolean | undefined;
}

/** A rendered tree and helpers to find and drive its elements by `data-testid`. */
export interface Rendered {
  readonly container: HTMLElement;
  /** The element with this test id; throws when there is none. */
  get(testId: string): HTMLElement;
  /** Every element with this test id. */
  all(testId: string): HTMLElement[];
  /** Clicks the element and lets React and the host settle. */
  click(element: HTMLElement): Promise<void>;
  /** Types `value` into a toolkit text element (sets `value`, fires `input`). */
  type(element: HTMLElement, value: string): Promise<void>;
  /** Fires a keydown on `element`. */
  key(element: EventTarget, key: string, init?: KeyboardEventInit): Promise<void>;
  /** Waits for queued host messages and renders. */
  settle(): Promise<void>;
  unmount(): void;
}

/** Renders `node` into a fresh container in `document.body`. */
export async function renderDom(node: ReactNode): Promise<Rendered> {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  const settle = async (): Promise<void> => {
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  };
  await act(async () => {
    root.render(node);
    await Promise.resolve();
  });
  const all = (testId: string): HTMLElement[] => [
    ...container.querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`),
  ];
  return {
    container,
    all,
    get(testId) {
      const [element] = all(testId);
      if (!element) throw new Error(`No element with data-testid="${testId}" in:\n${container.innerHTML}`);
      return element;
    },
    async click(element) {
      await act(async () => {
        element.click();
        await Promise.resolve();
      });
      await settle();
    },
    async type(element, value) {
      await act(async () => {
        (element as HTMLElement & { value: string }).value = value;
        element.dispatchEvent(new Event('input', { bubbles: true }));
        await Promise.resolve();
      });
    },
    async key(target, key, init = {}) {
      await act(async () => {
        target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
        await Promise.resolve();
      });
      await settle();
    },
    settle,
    unmount() {
      act(() => {
        root.unmount();
      });
      container.remove();
    },
  };
}
