import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { Markdown, safeHref } from './markdown';

const render = (source: string): string => renderToStaticMarkup(<Markdown source={source} />);

describe('Markdown', () => {
  it('renders headings, emphasis, code, lists, task items, tables and quotes', () => {
    const html = render(
      '# Plan\n\nRun **all** the _tests_ with `npm test`:\n\n1. one\n2. two\n\n- [x] done\n\n```ts\nconst a = 1 < 2;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> note',
    );
    expect(html).toContain('<h3>Plan</h3>');
    expect(html).toContain('<strong>all</strong>');
    expect(html).toContain('<em>tests</em>');
    expect(html).toContain('<code>npm test</code>');
    expect(html).toContain('<ol><li>');
    expect(html).toMatch(/<input type="checkbox"[^>]*checked=""[^>]*>done/);
    expect(html).toContain('<pre class="md-code" data-lang="ts"><code>const a = 1 &lt; 2;</code></pre>');
    expect(html).toContain('<th>a</th>');
    expect(html).toContain('<blockquote><p>note</p></blockquote>');
  });

  it('never injects HTML from the source: tags are shown as text', () => {
    const html = render('Hi <img src=x onerror="alert(1)"> <b>bold</b>\n\n<script>alert(2)</script>\n');
    expect(html).not.toMatch(/<img|<script|<b>/);
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(html).toContain('&lt;script&gt;');
  });

  it('keeps http(s) and mailto links and drops the others to their text', () => {
    expect(render('[docs](https://example.com/a)')).toContain('<a href="https://example.com/a">docs</a>');
    const html = render('[x](javascript:alert(1)) [y](data:text/html,hi) ![alt](https://e.com/i.png)');
    expect(html).not.toContain('<a');
    expect(html).not.toContain('<img');
    expect(html).toContain('x');
    expect(html).toContain('alt');
    expect(safeHref(' mailto:a@b.c ')).toBe('mailto:a@b.c');
    expect(safeHref('vscode://file/etc/passwd')).toBeUndefined();
  });
});
