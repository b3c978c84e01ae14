/** Runs `run` over `items` with at most `n` at once; answers the results in the order of the items. */
export async function pool<T, R>(items: readonly T[], n: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      for (let k = next++; k < items.length; k = next++) out[k] = await run(items[k] as T);
    }),
  );
  return out;
}
