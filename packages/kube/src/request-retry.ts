// When a request to the API server may be sent again, kept apart from the client that sends it
// (client-go's rules, rest/request.go and rest/with_retry.go):
// - 429 Too Many Requests: the server refused it before doing anything, whatever the verb; wait
//   what its Retry-After says (capped), else back off;
// - 5xx, a reset connection, an answer cut short: retried for reads (GET) only. A write may have
//   happened before the failure; its caller decides (set-image re-reads on 409, and its patch
//   carries the resourceVersion it was computed from, so a repeat can never apply twice).

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

/** How long to wait before attempt `attempt + 1`, or undefined when this outcome is final. */
export function retryDelay(method: string, outcome: Outcome, attempt: number, policy: RetryPolicy): number | undefined {
  if (attempt >= policy.attempts) return undefined;
  const backoff = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  if ('error' in outcome) return method === 'GET' ? backoff : undefined;
  if (outcome.status === 429) return Math.min(retryAfterMs(outcome.retryAfter) ?? backoff, policy.maxDelayMs);
  if (RETRYABLE_READ_STATUSES.has(outcome.status) && method === 'GET') {
    return Math.min(retryAfterMs(outcome.retryAfter) ?? backoff, policy.maxDelayMs);
  }
  return undefined;
}
