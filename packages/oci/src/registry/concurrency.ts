/**
 * Runs `fn` over `items` with at most `limit` at a time; results in input order. After a failure no
 * new item starts, and the call rejects with the first error once the running ones have settled
 * (so nothing keeps working in the background after it returns).
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let firstError: { error: unknown } | undefined;
  const worker = async () => {
    while (firstError === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error: unknown) {
        firstError ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (firstError !== undefined) throw firstError.error;
  return results;
}

/** How many transfers run at once: `value` (an integer from 1 to 32) or 4; `what` names the caller. */
export function concurrencyLimit(value: number | undefined, what: string): number {
  const limit = value ?? 4;
  if (!Number.isInteger(limit) || limit < 1 || limit > 32) {
    throw new Error(`${what}: concurrency '${limit}': expected an integer from 1 to 32`);
  }
  return limit;
}
