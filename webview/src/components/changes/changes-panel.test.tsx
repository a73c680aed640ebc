// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { MirroredChange } from '@handoff/protocol';
import { HostClient } from '../../host/host-client';
import { ChatStore } from '../../state/chat-store';
import { FakeHost } from '../../testing/fake-host';
import { renderDom } from '../../testing/render-dom';
import type { Rendered } from '../../testing/render-dom';
import { App } from '../app';

const changes: MirroredChange[] = [
  { path: 'src/a.ts', kind: 'modified', state: 'pending' },
  { path: 'src/b.ts', kind: 'created', state: 'conflict' },
  { path: 'src/c.ts', kind: 'deleted', state: 'applied' },
];

let view: Rendered | undefined;
afterEach(() => {
  view?.unmount();
  view = undefined;
});

async function setup() {
  const host = new FakeHost({
    'changes/open': () => ({}),
    'changes/accept': () => ({}),
    'changes/reject': () => ({}),
  });
  const client = new HostClient(host, { warn: () => undefined });
  const store = new ChatStore(client);
  client.start();
  view = await renderDom(<App store={store} />);
  host.notify('changes/updated', { mode: 'review', changes });
  await view.settle();
  return { host, view };
}

function row(rendered: Rendered, path: string): HTMLElement {
  const found = rendered.all('change').find((element) => element.dataset['path'] === path);
  if (!found) throw new Error(`no row for ${path}`);
  return found;
}

function within(element: HTMLElement, testId: string): HTMLElement {
  const found = element.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
  if (!found) throw new Error(`no ${testId} in ${element.outerHTML}`);
  return found;
}

describe('ChangesPanel', () => {
  it('lists every changed file with its kind and state, and explains a conflict', async () => {
    const { view } = await setup();
    expect(view.get('changes').dataset['mode']).toBe('review');
    expect(view.all('change').map((e) => [e.dataset['path'], e.dataset['kind'], e.dataset['state']])).toEqual(
      [
        ['src/a.ts', 'modified', 'pending'],
        ['src/b.ts', 'created', 'conflict'],
        ['src/c.ts', 'deleted', 'applied'],
      ],
    );
    expect(view.all('change-conflict')).toHaveLength(1);
    expect(within(row(view, 'src/b.ts'), 'change-conflict').textContent).toContain(
      'You changed this file locally',
    );
    // A decided change can still be looked at, not accepted again.
    expect(row(view, 'src/c.ts').querySelector('[data-testid="change-accept"]')).toBeNull();
    expect(within(row(view, 'src/c.ts'), 'change-open')).toBeDefined();
  });

  it('sends open, accept and reject for one file, and accept all / reject all without paths', async () => {
    const { host, view } = await setup();
    await view.click(within(row(view, 'src/a.ts'), 'change-open'));
    await view.click(within(row(view, 'src/a.ts'), 'change-accept'));
    await view.click(within(row(view, 'src/b.ts'), 'change-reject'));
    await view.click(view.get('accept-all'));
    await view.click(view.get('reject-all'));
    expect(host.requests).toEqual([
      ['changes/open', { path: 'src/a.ts' }],
      ['changes/accept', { paths: ['src/a.ts'] }],
      ['changes/reject', { paths: ['src/b.ts'] }],
      ['changes/accept', {}],
      ['changes/reject', {}],
    ]);
  });

  it('labels every control for screen readers', async () => {
    const { view } = await setup();
    for (const button of view.container.querySelectorAll('[data-testid="changes"] vscode-button'))
      expect(button.getAttribute('aria-label')).toBeTruthy();
  });

  it('offers no Accept all once nothing is pending, and hides the panel without changes', async () => {
    const { host, view } = await setup();
    host.notify('changes/updated', {
      mode: 'apply',
      changes: [{ path: 'x', kind: 'created', state: 'applied' }],
    });
    await view.settle();
    expect(view.all('accept-all')).toHaveLength(0);
    host.notify('changes/updated', { mode: 'apply', changes: [] });
    await view.settle();
    expect(view.all('changes')).toHaveLength(0);
  });
});
