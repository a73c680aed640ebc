// @ts-check
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const PARTS = ['protocol', 'extension', 'webview', 'agent-server', 'sandbox', 'runtime-api'];
/** Cross-part test and benchmark folders: they may also reach into a part's `src/testing/`. */
const HARNESSES = ['e2e', 'bench'];
const PACKAGE_OF_PART = {
  protocol: '@handoff/protocol',
  extension: 'handoff-vscode',
  webview: '@handoff/webview',
  'agent-server': '@handoff/agent-server',
  sandbox: '@handoff/sandbox',
  'runtime-api': '@handoff/runtime-api',
};

function topFolder(file) {
  return path.relative(ROOT, file).split(path.sep)[0] ?? '';
}

/**
 * Each part imports only `@handoff/protocol` of ours (house style §3). Relative imports that
 * climb into another part, deep imports into the protocol and imports of another part's
 * package all fail, with a message that says what to do instead.
 */
const partBoundaries = {
  meta: { type: 'problem', schema: [], messages: { cross: '{{why}}' } },
  create(context) {
    const file = context.filename;
    const own = topFolder(file);
    const isHarness = HARNESSES.includes(own);
    const check = (node) => {
      const source = node.source;
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const spec = source.value;
      let why;
      if (spec.startsWith('.')) {
        const target = path.resolve(path.dirname(file), spec);
        const part = topFolder(target);
        if (part !== own && PARTS.includes(part)) {
          const intoTesting = path
            .relative(path.join(ROOT, part), target)
            .startsWith(`src${path.sep}testing`);
          if (!(isHarness && intoTesting)) {
            why = `${own} must not import ${part}'s code ("${spec}"). Share it through @handoff/protocol, or talk to ${part} over its HTTP/WebSocket API.`;
          }
        }
      } else if (spec.startsWith('@handoff/') || Object.values(PACKAGE_OF_PART).includes(spec)) {
        const allowed = spec === '@handoff/protocol' || spec === '@handoff/protocol/testing';
        if (!allowed) {
          why = spec.startsWith('@handoff/protocol/')
            ? `Import "@handoff/protocol" (or "@handoff/protocol/testing"), not the deep path "${spec}".`
            : `${own} may import only @handoff/protocol of ours, not "${spec}". Move the shared shape into protocol/.`;
        }
      }
      if (why) context.report({ node: source, messageId: 'cross', data: { why } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

/** File names are kebab-case (house style §6). */
const kebabCaseFiles = {
  meta: {
    type: 'suggestion',
    schema: [],
    messages: { name: 'File name "{{name}}" must be kebab-case, e.g. "event-log.ts".' },
  },
  create(context) {
    return {
      Program(node) {
        const name = path.basename(context.filename);
        const stem = name.replace(/(\.d)?(\.docker|\.vscode)?(\.[a-z]+)?\.(ts|tsx|mts|mjs|js|cjs)$/, '');
        if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(stem))
          context.report({ node, messageId: 'name', data: { name } });
      },
    };
  },
};

const handoff = { rules: { 'part-boundaries': partBoundaries, 'kebab-case-files': kebabCaseFiles } };

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/out/**', 'bench/out/**', '.e2e-tmp/**', '**/*.d.ts'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', '*.ts', '*/*.mjs', '*/*.ts'] },
        tsconfigRootDir: ROOT,
      },
      globals: { ...globals.node },
    },
    plugins: { handoff },
    rules: {
      'handoff/part-boundaries': 'error',
      'handoff/kebab-case-files': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['warn', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', '**/testing/**', 'e2e/**', 'bench/**'],
    rules: { 'max-lines-per-function': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['webview/src/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['extension/src/**'],
    ignores: [
      'extension/src/extension.ts',
      'extension/src/chat-view/**',
      'extension/src/commands/**',
      'extension/src/common/**',
      'extension/src/mirror/vscode-*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'vscode',
              message:
                'Only extension.ts, chat-view/, commands/, common/ and mirror/vscode-*.ts may import vscode; pass what you need in, so this stays testable without an Extension Host.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
