// The one bounded-concurrency loop: the stores' batch requests, the vault's salts and the
// reminders job's records all run through it. No I/O of its own.

/**
 * Runs `fn` over `items`, at most `limit` at a time, started in order; the results come
 * back in the order of `items`. After the first failure no new item is started, and the
 * failure is rethrown once the items in flight have settled, so that a caller never
 * returns while work it started is still writing.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        out[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return out;
}
