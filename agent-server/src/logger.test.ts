import { describe, expect, it } from 'vitest';
import { SecretRedactor, createJsonLogger, redactText } from './logger';

describe('JSON logger', () => {
  it('writes one JSON line per call and never a key', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ write: (line) => lines.push(line) }).child({ service: 'test' });
    logger.info('created', { apiKey: 'sk-live-abcdefghijkl', sessionApiKey: 'session-secret', count: 2 });
    logger.error('failed', { error: new Error('Incorrect API key provided: sk-proj-abcdefghijklmnop') });
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.endsWith('\n')).toBe(true);
    const text = lines.join('');
    expect(text).not.toContain('abcdefghijkl');
    expect(text).not.toContain('session-secret');
    const first = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(first).toMatchObject({
      level: 'info',
      msg: 'created',
      service: 'test',
      apiKey: '[redacted]',
      count: 2,
    });
  });

  it('masks registered secret values anywhere in a line, nested and in errors, also in children', () => {
    const lines: string[] = [];
    const redactor = new SecretRedactor();
    const logger = createJsonLogger({ write: (line) => lines.push(line), redactor }).child({ c: 1 });
    redactor.add('hunter2-db-password', 'ab', undefined);
    logger.warn('output had hunter2-db-password in it', {
      nested: { list: ['x hunter2-db-password y'] },
      error: new Error('failed with hunter2-db-password', { cause: new Error('hunter2-db-password') }),
      short: 'ab stays',
    });
    const text = lines.join('');
    expect(text).not.toContain('hunter2');
    expect(text).toContain('[redacted]');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      short: 'ab stays',
      nested: { list: ['x [redacted] y'] },
    });
  });

  it('masks key-like text', () => {
    expect(redactText('Bearer abc.def-ghi and sk-1234567890')).toBe('Bearer [redacted] and sk-[redacted]');
  });
});
