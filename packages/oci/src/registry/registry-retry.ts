// Retries for registry operations that are safe to repeat: a reset connection, 429 or 5xx. One
// protocol call is retried by the client; a sequence of calls that must restart as a whole (a
// blob's mount attempts and upload session, a blob download into a layout) is retried by the
// module that runs it (push-image.ts, pull-image.ts), with the client's policy.
import { formatDuration, isTransientNetworkError, type Logger, type RetryDecision, retry } from '@bakeline/toolkit';
import { RegistryError } from './registry-errors.ts';

export interface RegistryRetryPolicy {
  attempts: number;
  baseDelayMs: number;
  logger: Logger;
  /** Aborts the waits between attempts (a cancelled push). */
  signal?: AbortSignal;
}

/** 429 and 5xx answers: the registry may accept the same request later. */
export function isRetryableRegistryError(error: unknown): boolean {
  if (error instanceof RegistryError) return error.status === 429 || error.status >= 500;
  return false;
}

function classify(error: unknown): RetryDecision {
  return isTransientNetworkError(error) || isRetryableRegistryError(error) ? 'retry' : 'stop';
}

/** Runs `operation`, again after a fault a retry could cure; past the budget, says that re-running is safe. */
export async function retryRegistryOperation<T>(
  what: string,
  policy: RegistryRetryPolicy,
  operation: () => Promise<T>,
): Promise<T> {
  try {
    return await retry(operation, {
      attempts: policy.attempts,
      baseDelayMs: policy.baseDelayMs,
      classify,
      ...(policy.signal ? { signal: policy.signal } : {}),
      onRetry: ({ attempt, delayMs, error }) =>
        policy.logger.warning(
          `${what}: attempt ${attempt} failed (${error instanceof Error ? error.message : String(error)}); retrying in ${formatDuration(delayMs)}`,
        ),
    });
  } catch (error: unknown) {
    // A fault that a retry could cure outlasted the budget: say so, and that trying again is safe.
    if (classify(error) !== 'retry' || policy.signal?.aborted) throw error;
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${what}: failed ${policy.attempts} times in a row (last: ${cause}); the registry or the network is failing. ` +
        'Retrying is safe: a push is idempotent and resumes with the blobs already stored (re-run the step).',
      { cause: error },
    );
  }
}
