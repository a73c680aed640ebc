// Bundles one Node service into a single ESM file: node scripts/bundle-server.mjs <entry> <outfile> [--production]
// Run from the part's folder. Native add-ons (and ws' optional speed-ups) stay external.
import * as esbuild from 'esbuild';

const [entry = 'src/main.ts', outfile = 'dist/main.js'] = process.argv
  .slice(2)
  .filter((a) => !a.startsWith('--'));
const production = process.argv.includes('--production');

await esbuild.build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: !production,
  minify: production,
  legalComments: 'none',
  logLevel: 'warning',
  external: ['bufferutil', 'utf-8-validate', 'node-pty', 'ssh2', 'cpu-features'],
  // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
