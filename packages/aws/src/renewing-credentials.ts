// Credentials fetched once and kept until five minutes before they expire, with one fetch at a
// time however many SDK clients ask at once.
import type { AwsCredentials, CredentialsProvider } from './aws-credentials.ts';

/** Credentials are renewed this long before they expire. */
export const RENEW_BEFORE_MS = 5 * 60_000;

export function renewingCredentials(
  fetchCredentials: () => Promise<AwsCredentials>,
  now: () => number = Date.now,
): CredentialsProvider {
  let cached: AwsCredentials | undefined;
  let pending: Promise<AwsCredentials> | undefined;
  return async () => {
    if (cached && (!cached.expiration || cached.expiration.getTime() - now() > RENEW_BEFORE_MS)) return cached;
    pending ??= fetchCredentials().finally(() => {
      pending = undefined;
    });
    cached = await pending;
    return cached;
  };
}
