#!/usr/bin/env node
// The `handoff` command. npm links it when it installs the workspace, before anything is built,
// so it is a small file of its own that runs the bundled CLI (dist/cli.cjs, `npm run build`).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

if (!existsSync(new URL('./dist/cli.cjs', import.meta.url))) {
  console.error('handoff: extension/dist/cli.cjs is missing: run "npm run build" first.');
  process.exit(2);
}
createRequire(import.meta.url)('./dist/cli.cjs');
