/**
 * @module The webview UI toolkit's custom elements, registered once, and their JSX types.
 * React 19 passes props to custom elements as properties and `on*` handlers as listeners,
 * so the elements are used directly, without the toolkit's React wrappers.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodeProgressRing,
  vsCodeTextArea,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';
import type { DetailedHTMLProps, HTMLAttributes } from 'react';

/** Registers the toolkit elements the chat uses; call before the first render. */
export function registerToolkit(): void {
  provideVSCodeDesignSystem().register(
    vsCodeButton(),
    vsCodeTextArea(),
    vsCodeTextField(),
    vsCodeBadge(),
    vsCodeProgressRing(),
  );
}

/** A toolkit element that has a `value`, like `<vscode-text-area>`. */
export interface ValueElement extends HTMLElement {
  value: string;
}

type ElementProps<E extends HTMLElement, Extra> = DetailedHTMLProps<HTMLAttributes<E>, E> &
  Extra & { 'data-testid'?: string };

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- JSX typing is declared through this namespace.
  namespace JSX {
    interface IntrinsicElements {
      'vscode-button': ElementProps<
        HTMLElement,
        { appearance?: 'primary' | 'secondary' | 'icon'; disabled?: boolean; type?: 'button' | 'submit' }
      >;
      'vscode-text-area': ElementProps<
        ValueElement,
        {
          value?: string;
          placeholder?: string;
          rows?: number;
          resize?: 'none' | 'vertical' | 'both';
          disabled?: boolean;
        }
      >;
      'vscode-text-field': ElementProps<
        ValueElement,
        { value?: string; placeholder?: string; disabled?: boolean }
      >;
      'vscode-badge': ElementProps<HTMLElement, object>;
      'vscode-progress-ring': ElementProps<HTMLElement, object>;
    }
  }
}
