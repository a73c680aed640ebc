import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './services';

/** Writes a probe file into a part, lints it with the project's config, and removes it. */
async function lintProbe(part: string, source: string): Promise<string[]> {
  const file = path.join(REPO_ROOT, part, 'src', `lint-probe-${randomBytes(4).toString('hex')}.ts`);
  writeFileSync(file, source);
  try {
    const [result] = await new ESLint({ cwd: REPO_ROOT }).lintFiles([file]);
    return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
  } finally {
    rmSync(file, { force: true });
  }
}

describe('part boundaries are enforced by npm run lint', () => {
  it('fails an import of another part, by path or by package', async () => {
    const messages = await lintProbe(
      'sandbox',
      "import { x } from '../../agent-server/src/main';\nimport { y } from '@handoff/runtime-api';\nexport const z = [x, y];\n",
    );
    const boundary = messages.filter((m) => m.startsWith('handoff/part-boundaries'));
    expect(boundary).toHaveLength(2);
    expect(boundary[0]).toMatch(/sandbox must not import agent-server's code/);
    expect(boundary[1]).toMatch(/may import only @handoff\/protocol/);
  });

  it('fails a deep import into the protocol and vscode outside the allowed folders', async () => {
    const deep = await lintProbe(
      'webview',
      "import { x } from '@handoff/protocol/src/errors';\nexport const y = x;\n",
    );
    expect(deep.some((m) => m.startsWith('handoff/part-boundaries') && m.includes('deep path'))).toBe(true);
    const vscode = await lintProbe(
      'extension',
      "import * as vscode from 'vscode';\nexport const y = vscode.version;\n",
    );
    expect(vscode.some((m) => m.startsWith('no-restricted-imports'))).toBe(true);
  }, 60_000);

  it('accepts an import of @handoff/protocol', async () => {
    const messages = await lintProbe(
      'runtime-api',
      "import { PROTOCOL_VERSION } from '@handoff/protocol';\nexport const v: number = PROTOCOL_VERSION;\n",
    );
    expect(messages).toEqual([]);
  });
});
