/**
 * At most `max` calls run at once; the rest wait in arrival order. The embedded engine puts its Lambda
 * invocations behind one of these, as an account's Lambda concurrency limit does on AWS: thousands of executions
 * started by one index event then queue for a slot instead of all pressing on the store at once.
 */
export type Limiter = <T>(fn: () => Promise<T>) => Promise<T>;

export function concurrencyLimit(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new Error(`concurrency limit must be a positive integer, got ${max}`);
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active < max) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      // Hand the slot straight to the next in line (active stays the same), or give it back.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
