// Runs an async function over items with at most `concurrency` in flight, results in input
// order. Reading thousands of small files one at a time leaves the process idle waiting on
// each syscall; a bounded pool overlaps them without opening thousands of files at once.

export async function mapPool<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** How many reads to keep in flight: enough to hide latency, far below fd limits. */
export const READ_CONCURRENCY = 32;
