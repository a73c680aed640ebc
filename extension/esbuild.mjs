// Bundles the extension host code into dist/extension.cjs, after Microsoft's esbuild-sample.
// Type checking is `tsc -b` at the root; this only transpiles and bundles.
import { chmodSync, existsSync } from 'node:fs';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the shape of VS Code's `$esbuild-watch` problem matcher. */
const problemMatcherPlugin = {
  name: 'esbuild-problem-matcher',
  setup(build) {
    build.onStart(() => {
      console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

async function main() {
  if (!existsSync('dist/webview/assets/main.js')) {
    console.error('dist/webview is missing: build the webview first (npm run build -w @handoff/webview).');
    process.exitCode = 1;
    return;
  }
  const shared = {
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    // ws requires these optional native add-ons inside try/catch; leave them out of the bundle.
    external: ['vscode', 'bufferutil', 'utf-8-validate'],
    logLevel: 'silent',
    plugins: [problemMatcherPlugin],
  };
  // The `handoff` CLI (`handoff solve owner/repo#123`): the same solve flow, no VS Code.
  const cli = await esbuild.context({
    ...shared,
    entryPoints: ['src/cli/handoff.ts'],
    outfile: 'dist/cli.cjs',
    banner: { js: '#!/usr/bin/env node' },
  });
  const context = await esbuild.context({
    ...shared,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.cjs',
  });
  if (watch) {
    await Promise.all([context.watch(), cli.watch()]);
  } else {
    const results = await Promise.all([context.rebuild(), cli.rebuild()]);
    await Promise.all([context.dispose(), cli.dispose()]);
    if (results.some((result) => result.errors.length > 0)) process.exitCode = 1;
    // npm links `handoff` at install time, before the file exists: make it executable here.
    else chmodSync('dist/cli.cjs', 0o755);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
