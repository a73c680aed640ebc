import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import type {
  Action,
  FileEditorObservation,
  Observation,
  RunCommandObservation,
  RunCommandStatus,
} from '@handoff/protocol';
import { anActionEvent, anObservationEvent } from '@handoff/protocol/testing';
import { ActionCard } from './action-card';
import { diffLineKind } from './diff-view';
import { ObservationView } from './observation-view';

// Server rendering needs no DOM: enough to check what each card shows and the test ids the UI
// tests rely on.
function card(action: Action, observation?: Observation): string {
  const toolName = action.type === 'file_editor' ? 'str_replace_editor' : 'execute_bash';
  return renderToStaticMarkup(
    <ActionCard
      event={anActionEvent({ actionId: 'a', toolName, action })}
      observation={observation && anObservationEvent({ actionId: 'a', toolName, observation })}
    />,
  );
}

const ran = (overrides: Partial<RunCommandObservation>): RunCommandObservation => ({
  type: 'run_command',
  command: 'make',
  session: 'default',
  status: 'completed',
  exitCode: 0,
  output: 'ok\n',
  timedOut: false,
  cwd: '/w',
  ...overrides,
});

const edited = (overrides: Partial<FileEditorObservation>): FileEditorObservation => ({
  type: 'file_editor',
  command: 'str_replace',
  path: '/w/app.py',
  output: 'The file /w/app.py has been edited.',
  isError: false,
  ...overrides,
});

/** The text of every element with `data-testid`. */
function textOf(html: string, testId: string): string | undefined {
  const match = new RegExp(`data-testid="${testId}"[^>]*>(.*?)</`, 's').exec(html);
  return match?.[1];
}

describe('run_command card', () => {
  it('shows a badge for every status', () => {
    const labels: Record<RunCommandStatus, string> = {
      completed: 'exit 0',
      no_change_timeout: 'still running',
      hard_timeout: 'timed out',
      interrupted: 'interrupted',
      busy: 'busy: not run',
      no_running_command: 'nothing running',
    };
    for (const [status, label] of Object.entries(labels)) {
      const html = card(
        { type: 'run_command', command: 'make' },
        ran({ status: status as RunCommandStatus }),
      );
      expect(html).toContain(`data-status="${status}"`);
      expect(textOf(html, 'command-status')).toBe(label);
    }
  });

  it('keeps the exit code of a completed command, failing or not', () => {
    const html = card({ type: 'run_command', command: 'make' }, ran({ exitCode: 2 }));
    expect(html).toContain('data-exit-code="2"');
    expect(html).toContain('tone-failed');
  });

  it('names the session only when it is not the default one', () => {
    expect(card({ type: 'run_command', command: 'ls' })).not.toContain('data-testid="action-session"');
    const html = card({ type: 'run_command', command: 'npm run dev', session: 'server' });
    expect(textOf(html, 'action-session')).toBe('session server');
  });

  it('tells a command from input, a key and a poll for more output', () => {
    expect(card({ type: 'run_command', command: 'ls' })).toContain('data-kind="command"');
    expect(card({ type: 'run_command', command: 'yes', isInput: true })).toContain('data-kind="input"');
    const key = card({ type: 'run_command', command: 'C-c', isInput: true });
    expect(key).toContain('data-kind="key"');
    expect(key).toContain('Ctrl+C');
    expect(card({ type: 'run_command', command: '' })).toContain('data-kind="poll"');
  });

  it('shows the spinner until the observation arrives', () => {
    expect(card({ type: 'run_command', command: 'sleep 5' })).toContain('data-testid="action-pending"');
  });
});

describe('file_editor card', () => {
  it('shows the command, the path and the diff with added and removed lines marked', () => {
    const diff = '--- a/app.py\n+++ b/app.py\n@@ -1,2 +1,2 @@\n keep\n-a = 1\n+a = 2\n';
    const html = card(
      { type: 'file_editor', command: 'str_replace', path: '/w/app.py', oldStr: 'a = 1', newStr: 'a = 2' },
      edited({ diff }),
    );
    expect(html).toContain('data-action-type="file_editor"');
    expect(html).toContain('data-command="str_replace"');
    expect(textOf(html, 'editor-path')).toBe('/w/app.py');
    expect(html).toContain('data-testid="file-diff"');
    expect(html).toMatch(/class="diff-line diff-removed" data-kind="removed">-a = 1/);
    expect(html).toMatch(/class="diff-line diff-added" data-kind="added">\+a = 2/);
    expect(html).toMatch(/class="diff-line diff-context" data-kind="context"> keep/);
    expect(html).toContain('data-error="false"');
  });

  it('marks a refused command as an error and shows the editor’s words', () => {
    const html = card(
      { type: 'file_editor', command: 'str_replace', path: '/w/app.py', oldStr: 'x' },
      edited({
        isError: true,
        output: 'ERROR:\nNo replacement was performed, old_str `x` did not appear verbatim.',
      }),
    );
    expect(html).toContain('data-error="true"');
    expect(textOf(html, 'editor-error')).toContain('No replacement was performed');
    expect(html).not.toContain('data-testid="file-diff"');
  });

  it('marks a call the sandbox could not run as an error too', () => {
    const html = card(
      { type: 'file_editor', command: 'create', path: '/w/a', fileText: '' },
      { type: 'tool_error', message: 'The sandbox could not run the editor command.' },
    );
    expect(html).toContain('data-error="true"');
    expect(html).toContain('data-testid="observation-tool-error"');
  });

  it('folds the output of view away, with its line count', () => {
    const html = card(
      { type: 'file_editor', command: 'view', path: '/w/app.py', viewRange: [1, -1] },
      edited({
        command: 'view',
        output: "Here's the result of running `cat -n` on /w/app.py:\n     1\ta = 2\n",
      }),
    );
    expect(html).toMatch(/<details class="editor-view" data-testid="editor-output">/);
    expect(html).not.toMatch(/<details[^>]* open/);
    expect(html).toContain('Output (2 lines)');
    expect(html).toContain('lines 1–end');
  });

  it('shows the editor’s message when there is no diff', () => {
    const html = card(
      { type: 'file_editor', command: 'undo_edit', path: '/w/app.py' },
      edited({ command: 'undo_edit', output: 'Last edit to /w/app.py undone successfully.' }),
    );
    expect(textOf(html, 'editor-output')).toBe('Last edit to /w/app.py undone successfully.');
    expect(html).toContain('Undo edit');
  });
});

describe('changed files', () => {
  it('lists what an observation changed in the workspace, by kind', () => {
    const html = renderToStaticMarkup(
      <ObservationView
        observation={ran({
          changes: [
            { path: 'src/new.ts', kind: 'created', size: 10 },
            { path: 'README.md', kind: 'modified', size: 20 },
            { path: 'old.txt', kind: 'deleted' },
          ],
        })}
      />,
    );
    expect(html).toContain('data-testid="changed-files"');
    expect([...html.matchAll(/data-kind="(\w+)"/g)].map((m) => m[1])).toEqual([
      'created',
      'modified',
      'deleted',
    ]);
    expect(html).toMatch(/>A<\/span><span class="change-path">src\/new.ts</);
    expect(html).toMatch(/>M<\/span><span class="change-path">README.md</);
    expect(html).toMatch(/>D<\/span><span class="change-path">old.txt</);
  });

  it('shows no list when nothing changed', () => {
    for (const observation of [ran({}), ran({ changes: [] }), edited({ changes: [] })]) {
      expect(renderToStaticMarkup(<ObservationView observation={observation} />)).not.toContain(
        'changed-files',
      );
    }
  });

  it('shows the list under an editor diff too', () => {
    const html = card(
      { type: 'file_editor', command: 'create', path: '/w/a.ts', fileText: 'x' },
      edited({ command: 'create', diff: '+x', changes: [{ path: 'a.ts', kind: 'created', size: 1 }] }),
    );
    expect(html.indexOf('data-testid="file-diff"')).toBeLessThan(html.indexOf('data-testid="changed-files"'));
  });
});

describe('diffLineKind', () => {
  it('classifies the lines of a unified diff', () => {
    expect(['--- a/x', '+++ b/x', '@@ -1 +1 @@', '+new', '-old', ' same', ''].map(diffLineKind)).toEqual([
      'file',
      'file',
      'hunk',
      'added',
      'removed',
      'context',
      'context',
    ]);
  });
});
