/** How a line of a unified diff is shown. */
export type DiffLineKind = 'file' | 'hunk' | 'added' | 'removed' | 'context';

/** Classifies one line of a unified diff. */
export function diffLineKind(line: string): DiffLineKind {
  if (line.startsWith('+++ ') || line.startsWith('--- ')) return 'file';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'added';
  if (line.startsWith('-')) return 'removed';
  return 'context';
}

/** A unified diff, each line coloured by what it is (the theme's diff colours). */
export function DiffView({ diff }: { diff: string }) {
  const lines = diff.replace(/\n$/, '').split('\n');
  return (
    <pre className="diff" data-testid="file-diff">
      {lines.map((line, index) => {
        const kind = diffLineKind(line);
        // A diff line has no identity beyond its place in the diff.
        return (
          <span key={index} className={`diff-line diff-${kind}`} data-kind={kind}>
            {line === '' ? ' ' : line}
          </span>
        );
      })}
    </pre>
  );
}
