/**
 * @module Markdown as React elements, with no HTML injection: `marked` only tokenizes, and
 * every token becomes a React element whose text React escapes. Raw HTML in the source is
 * shown as text, links work only for http(s) and mailto, images show their alt text (the CSP
 * loads no remote image anyway).
 */
import { lexer } from 'marked';
import type { Token, Tokens } from 'marked';
import { memo } from 'react';
import type { ReactNode } from 'react';

const SAFE_LINK = /^(https?:|mailto:)/i;

/** The href to render, or undefined when the link's scheme is not one we let through. */
export function safeHref(href: string): string | undefined {
  return SAFE_LINK.test(href.trim()) ? href.trim() : undefined;
}

function inline(tokens: readonly Token[] | undefined): ReactNode[] {
  return (tokens ?? []).map((token, index) => <Inline key={index} token={token} />);
}

function textOf(token: Token): string {
  return 'text' in token && typeof token.text === 'string' ? token.text : token.raw;
}

function Inline({ token }: { token: Token }): ReactNode {
  switch (token.type) {
    case 'strong':
      return <strong>{inline((token as Tokens.Strong).tokens)}</strong>;
    case 'em':
      return <em>{inline((token as Tokens.Em).tokens)}</em>;
    case 'del':
      return <del>{inline((token as Tokens.Del).tokens)}</del>;
    case 'codespan':
      return <code>{(token as Tokens.Codespan).text}</code>;
    case 'br':
      return <br />;
    case 'link': {
      const link = token as Tokens.Link;
      const href = safeHref(link.href);
      if (href === undefined) return <>{inline(link.tokens)}</>;
      return (
        <a href={href} title={link.title ?? undefined}>
          {inline(link.tokens)}
        </a>
      );
    }
    case 'image':
      return <>{(token as Tokens.Image).text}</>;
    case 'text': {
      const text = token as Tokens.Text;
      return text.tokens ? <>{inline(text.tokens)}</> : <>{text.text}</>;
    }
    default:
      // `escape`, inline `html` (shown as the text it is) and anything new.
      return <>{textOf(token)}</>;
  }
}

function ListBlock({ list }: { list: Tokens.List }) {
  const items = list.items.map((item, index) => (
    <li key={index} className={item.task ? 'task-item' : undefined}>
      {item.task && <input type="checkbox" checked={item.checked === true} disabled aria-readonly="true" />}
      {blocks(item.tokens.filter((token) => token.type !== 'checkbox'))}
    </li>
  ));
  if (!list.ordered) return <ul>{items}</ul>;
  return <ol start={typeof list.start === 'number' && list.start !== 1 ? list.start : undefined}>{items}</ol>;
}

function TableBlock({ table }: { table: Tokens.Table }) {
  return (
    <table>
      <thead>
        <tr>
          {table.header.map((cell, index) => (
            <th key={index}>{inline(cell.tokens)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table.rows.map((row, rowIndex) => (
          <tr key={rowIndex}>
            {row.map((cell, index) => (
              <td key={index}>{inline(cell.tokens)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Block({ token }: { token: Token }): ReactNode {
  switch (token.type) {
    case 'space':
      return null;
    case 'heading': {
      const heading = token as Tokens.Heading;
      // Headings inside a chat bubble stay small: h1 → h3 … h4+ → h6.
      const Tag = (['h3', 'h4', 'h5', 'h6', 'h6', 'h6'] as const)[heading.depth - 1] ?? 'h6';
      return <Tag>{inline(heading.tokens)}</Tag>;
    }
    case 'paragraph':
      return <p>{inline((token as Tokens.Paragraph).tokens)}</p>;
    case 'code': {
      const code = token as Tokens.Code;
      return (
        <pre className="md-code" data-lang={code.lang || undefined}>
          <code>{code.text}</code>
        </pre>
      );
    }
    case 'blockquote':
      return <blockquote>{blocks((token as Tokens.Blockquote).tokens)}</blockquote>;
    case 'list':
      return <ListBlock list={token as Tokens.List} />;
    case 'table':
      return <TableBlock table={token as Tokens.Table} />;
    case 'hr':
      return <hr />;
    case 'text': {
      const text = token as Tokens.Text;
      return text.tokens ? <>{inline(text.tokens)}</> : <>{text.text}</>;
    }
    default:
      // Block `html` and anything new: its source, as text.
      return <p>{token.raw}</p>;
  }
}

function blocks(tokens: readonly Token[]): ReactNode[] {
  return tokens.map((token, index) => <Block key={index} token={token} />);
}

/** Renders markdown `source` as React elements (see the module comment for what is safe). */
export const Markdown = memo(function Markdown({ source }: { source: string }) {
  return <div className="markdown">{blocks(lexer(source, { gfm: true }))}</div>;
});
