// The audience of the GitHub OIDC token: one client ID of the account's IAM OIDC provider,
// `sts.amazonaws.com` by default. It goes into the token request's URL and the token's `aud`
// claim, so it is a single printable token of at most 255 characters (IAM's limit on client IDs):
// no white space, no control characters.
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';

export function isOidcAudience(value: string): boolean {
  return value.length > 0 && value.length <= 255 && /^[\x21-\x7e]+$/.test(value);
}
