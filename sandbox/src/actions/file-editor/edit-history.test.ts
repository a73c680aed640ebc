import { describe, expect, it } from 'vitest';
import { EditHistory, MAX_UNDO_PER_FILE } from './edit-history';
import { KeyedLock } from './keyed-lock';

describe('EditHistory', () => {
  it('pops newest first and keeps at most 10 per file', () => {
    const history = new EditHistory();
    for (let i = 0; i < 12; i++) history.push('/f', Buffer.from(String(i)));
    expect(history.depth('/f')).toBe(MAX_UNDO_PER_FILE);
    const popped: string[] = [];
    for (let b = history.pop('/f'); b !== undefined; b = history.pop('/f')) popped.push(b.toString());
    expect(popped).toEqual(['11', '10', '9', '8', '7', '6', '5', '4', '3', '2']);
  });

  it('drops the oldest entries across files when over its byte budget', () => {
    const history = new EditHistory(10, 10);
    history.push('/a', Buffer.alloc(4));
    history.push('/b', Buffer.alloc(4));
    history.push('/a', Buffer.alloc(4));
    expect(history.depth('/a')).toBe(1);
    expect(history.depth('/b')).toBe(1);
    history.push('/c', Buffer.alloc(20));
    expect([history.depth('/a'), history.depth('/b'), history.depth('/c')]).toEqual([0, 0, 0]);
  });
});

describe('KeyedLock', () => {
  it('runs tasks on one key in order, and on other keys alongside', async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = lock.run('k', async () => {
      await gate;
      order.push('k1');
    });
    const second = lock.run('k', () => {
      order.push('k2');
      return Promise.resolve();
    });
    await lock.run('other', () => {
      order.push('other');
      return Promise.resolve();
    });
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['other', 'k1', 'k2']);
  });

  it('goes on after a task fails', async () => {
    const lock = new KeyedLock();
    await expect(lock.run('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.run('k', () => Promise.resolve(7))).resolves.toBe(7);
  });
});
