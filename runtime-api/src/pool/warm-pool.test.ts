import { describe, expect, it } from 'vitest';
import { RecordingLogger } from '../testing/recording-logger';
import { WarmPool } from './warm-pool';
import type { WarmPoolOptions } from './warm-pool';

/** A pool over plain numbered members, with a backend that records what it started and stopped. */
function makePool(options: Partial<WarmPoolOptions<string>> & { cap?: number; failing?: boolean } = {}) {
  const live = new Set<string>();
  const stopped: string[] = [];
  let counter = 0;
  const logger = new RecordingLogger();
  const pool = new WarmPool<string>({
    size: 2,
    profiles: ['default'],
    start: (profile) => {
      if (options.failing === true) return Promise.reject(new Error('no engine'));
      counter += 1;
      const member = `${profile}-${String(counter)}`;
      live.add(member);
      return Promise.resolve(member);
    },
    stop: (member) => {
      live.delete(member);
      stopped.push(member);
      return Promise.resolve();
    },
    hasRoom: () => Promise.resolve(live.size < (options.cap ?? Infinity)),
    logger,
    ...options,
  });
  return { pool, live, stopped, logger };
}

describe('WarmPool', () => {
  it('fills every profile to its size and leases the oldest member first', async () => {
    const { pool } = makePool();
    pool.replenish();
    await pool.settled();
    expect(pool.sizes()).toEqual(new Map([['default', 2]]));
    expect(pool.lease('default')).toBe('default-1');
    await pool.settled();
    expect(pool.members()).toEqual(['default-2', 'default-3']);
  });

  it('leases nothing for a profile it does not keep, and nothing when disabled', async () => {
    const disabled = makePool({ size: 0 }).pool;
    disabled.replenish();
    await disabled.settled();
    expect(disabled.serves('default')).toBe(false);
    expect(disabled.lease('default')).toBeUndefined();
    const { pool } = makePool();
    expect(pool.serves('python:3.12')).toBe(false);
    expect(pool.lease('python:3.12')).toBeUndefined();
  });

  it('stops at the total cap', async () => {
    const { pool, live } = makePool({ cap: 1 });
    pool.replenish();
    await pool.settled();
    expect(live.size).toBe(1);
    expect(pool.sizes().get('default')).toBe(1);
  });

  it('takes back a released member while there is room and stops it when full', async () => {
    const { pool, stopped } = makePool();
    pool.replenish();
    await pool.settled();
    const member = pool.lease('default');
    if (member === undefined) throw new Error('empty pool');
    await pool.release('default', member); // refill in flight: there is room
    await pool.settled();
    expect(pool.members()).toContain(member);
    await pool.release('default', 'stray');
    expect(stopped).toContain('stray');
  });

  it('logs a failed refill and does not retry it in a loop', async () => {
    const { pool, logger } = makePool({ failing: true });
    pool.replenish();
    await pool.settled();
    expect(pool.sizes().get('default')).toBe(0);
    expect(
      logger.entries.filter((entry) => entry.message === 'warm pool could not start a member'),
    ).toHaveLength(1);
  });

  it('close stops every member and starts no more', async () => {
    const { pool, live } = makePool();
    pool.replenish();
    await pool.close();
    expect(live.size).toBe(0);
    pool.replenish();
    await pool.settled();
    expect(live.size).toBe(0);
    expect(pool.lease('default')).toBeUndefined();
  });
});
