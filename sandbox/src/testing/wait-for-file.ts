import { readFile } from 'node:fs/promises';

/**
 * Polls until `file` exists and ends with a newline (a writer finished its line), then resolves
 * with its content; rejects after `timeoutMs`.
 */
export async function waitForFile(file: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.endsWith('\n')) return text;
    if (Date.now() > deadline) throw new Error(`${file} was not written within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
