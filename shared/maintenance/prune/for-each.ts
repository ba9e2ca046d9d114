// Running storage requests a few at a time: enough in flight to hide latency, few enough to bound memory
// and to stop soon after a failure.

/** Storage requests in flight by default (checking, writing and deleting files). */
const PARALLEL_REQUESTS = 8;

/**
 * forEach runs `fn` over `items`, `limit` at a time. The first failure rejects, and no further item is
 * started after it (those in flight finish).
 */
export async function forEach<T>(items: readonly T[], fn: (item: T) => Promise<void>, limit = PARALLEL_REQUESTS): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    try {
      while (next < items.length) await fn(items[next++]!);
    } catch (err) {
      next = items.length;
      throw err;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
