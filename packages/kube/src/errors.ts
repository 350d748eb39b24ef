/** A Kubernetes API error, from its `Status` body. */
export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: string | undefined;
  /** The Retry-After header of the answer (a 429 says when to ask again). */
  readonly retryAfter: string | undefined;
  constructor(status: number, message: string, reason?: string, retryAfter?: string) {
    super(message);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
    this.retryAfter = retryAfter;
  }
}

/** Builds a KubeApiError from a response, preferring the Status message the server sent. */
export function apiError(
  method: string,
  path: string,
  status: number,
  body: string,
  retryAfter?: string,
): KubeApiError {
  let message = body.trim().slice(0, 500);
  let reason: string | undefined;
  try {
    const parsed = JSON.parse(body) as { kind?: string; message?: string; reason?: string };
    if (parsed.kind === 'Status') {
      message = parsed.message ?? message;
      reason = parsed.reason;
    }
  } catch {
    // not JSON: keep the text
  }
  const hint =
    status === 401
      ? ' (the credentials were not accepted: check the token or role)'
      : status === 403
        ? ' (the identity is authenticated but not allowed: check its EKS access entry and RBAC)'
        : '';
  return new KubeApiError(status, `${method} ${path}: ${status} ${message}${hint}`, reason, retryAfter);
}
