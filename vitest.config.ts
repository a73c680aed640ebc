import { defineConfig } from 'vitest/config';

const unit = (name: string) => ({
  test: {
    name,
    root: `./${name}`,
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    exclude: ['**/*.docker.test.ts'],
  },
});

export default defineConfig({
  test: {
    projects: [
      unit('protocol'),
      unit('extension'),
      unit('webview'),
      unit('agent-server'),
      unit('sandbox'),
      unit('runtime-api'),
      {
        test: {
          name: 'e2e',
          root: './e2e',
          include: ['**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.docker.test.ts', '**/*.vscode.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'docker',
          root: '.',
          include: ['**/*.docker.test.ts'],
          exclude: ['**/node_modules/**'],
          // Builds (or reuses) the sandbox image once; see e2e/src/docker/global-setup.ts.
          globalSetup: ['./e2e/src/docker/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'vscode',
          root: '.',
          include: ['e2e/src/vscode/**/*.vscode.test.ts'],
          exclude: ['**/node_modules/**'],
          // Installs (or reuses) code-server + Chromium and builds what is stale; see
          // e2e/src/vscode/global-setup.ts. The first install builds native modules (minutes).
          globalSetup: ['./e2e/src/vscode/global-setup.ts'],
          // One code-server and one Chromium at a time: each takes a core or more.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
