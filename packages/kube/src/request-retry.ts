// When a request to the API server may be sent again, kept apart from the client that sends it
// (client-go's rules, rest/request.go and rest/with_retry.go):
// - 429 Too Many Requests: the server refused it before doing anything, whatever the verb; wait
//   what its Retry-After says (capped), else back off;
// - 5xx, a reset connection, an answer cut short: retried for reads (GET) and dry runs
//   (`dryRun=All`: the server stores nothing, so a repeat cannot do anything twice) only. A write
//   may have happened before the failure; its caller decides (set-image re-reads on 409, and its
//   patch carries the resourceVersion it was computed from, so a repeat can never apply twice).

export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  attempts: number;
  /** First back-off; doubles per attempt (default 250 ms). */
  baseDelayMs: number;
  /** Longest back-off, and cap on Retry-After (default 10 s). */
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type Outcome = { status: number; retryAfter?: string | undefined } | { error: unknown };

/** Seconds of a Retry-After header (delta-seconds only, as the API server sends it), or undefined. */
export function retryAfterMs(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

const RETRYABLE_READ_STATUSES = new Set([500, 502, 503, 504]);

/** Whether a request changes nothing, so that it may be sent again whatever became of it: a GET, or a dry run. */
export function changesNothing(method: string, query?: Record<string, unknown>): boolean {
  return method === 'GET' || query?.dryRun === 'All';
}

/**
 * How long to wait before attempt `attempt + 1`, or undefined when this outcome is final.
 * `harmless`: the request changes nothing (changesNothing).
 */
export function retryDelay(
  harmless: boolean,
  outcome: Outcome,
  attempt: number,
  policy: RetryPolicy,
): number | undefined {
  if (attempt >= policy.attempts) return undefined;
  const backoff = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  if ('error' in outcome) return harmless ? backoff : undefined;
  if (outcome.status === 429) return Math.min(retryAfterMs(outcome.retryAfter) ?? backoff, policy.maxDelayMs);
  if (RETRYABLE_READ_STATUSES.has(outcome.status) && harmless) {
    return Math.min(retryAfterMs(outcome.retryAfter) ?? backoff, policy.maxDelayMs);
  }
  return undefined;
}
