import type { FileEditorObservation } from '@handoff/protocol';
import { DiffView } from './diff-view';

/**
 * What the editor answered: the error when it refused, the diff of an edit, a `view`'s output
 * folded away (it is what the model read, rarely what the user wants to scroll past), or the
 * editor's short message.
 */
export function EditorOutput({ observation }: { observation: FileEditorObservation }) {
  if (observation.isError) {
    return (
      <pre className="editor-error" data-testid="editor-error" role="alert">
        {observation.output}
      </pre>
    );
  }
  if (observation.diff !== undefined && observation.diff !== '') return <DiffView diff={observation.diff} />;
  if (observation.command === 'view') {
    const lines = observation.output.trimEnd().split('\n').length;
    return (
      <details className="editor-view" data-testid="editor-output">
        <summary>
          Output ({lines} {lines === 1 ? 'line' : 'lines'})
        </summary>
        <pre className="command-output">{observation.output}</pre>
      </details>
    );
  }
  return (
    <p className="editor-message" data-testid="editor-output">
      {observation.output}
    </p>
  );
}
