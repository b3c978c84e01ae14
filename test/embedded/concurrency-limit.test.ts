import { describe, expect, it } from 'vitest';
import { concurrencyLimit } from '../../embedded/concurrency-limit.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('concurrencyLimit', () => {
  it('never runs more than max at once, starts the waiting ones in arrival order, and runs them all', async () => {
    const limit = concurrencyLimit(3);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          started.push(i);
          running++;
          peak = Math.max(peak, running);
          for (let k = 0; k < 1 + (i % 4); k++) await tick();
          running--;
          return i * 2;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });

  it('a failing call gives its slot back and its caller gets the error', async () => {
    const limit = concurrencyLimit(1);
    await expect(limit(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit(async () => 'after')).resolves.toBe('after');
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => concurrencyLimit(0)).toThrow(/positive integer/);
    expect(() => concurrencyLimit(Number.NaN)).toThrow(/positive integer/);
  });
});
