// The tokens a local run hands out and what each may do, so that a stand-in for GitHub (a test's
// git server) can apply GitHub's rules: every job gets its own GITHUB_TOKEN with the job's
// `permissions:`; the local actions/create-github-app-token mints installation tokens with the
// permissions asked for (and granted to the app). GitHub refuses a push that creates or updates
// a workflow file unless the token has `workflows: write`, which GITHUB_TOKEN never has.
import { randomBytes } from 'node:crypto';

export interface TokenGrant {
  token: string;
  source: 'GITHUB_TOKEN' | 'github-app';
  /** scope -> read | write (GITHUB_TOKEN never has `workflows`). */
  permissions: Record<string, string>;
  /** The job (GITHUB_TOKEN) or the app id (github-app). */
  holder: string;
}

/** A GitHub App the run knows: its id, the PEM of its public key, and what its installation may grant. */
export interface GithubApp {
  appId: string;
  slug: string;
  publicKeyPem: string;
  installationId: number;
  permissions: Record<string, string>;
}

export class TokenGrants {
  private readonly byToken = new Map<string, TokenGrant>();
  private readonly listener: ((grant: TokenGrant) => void) | undefined;

  constructor(listener?: (grant: TokenGrant) => void) {
    this.listener = listener;
  }

  /** A new token with the given grant (`ghs_` and 36 random characters, like an installation token). */
  issue(
    source: TokenGrant['source'],
    holder: string,
    permissions: Record<string, string>,
    /** A token a GitHub API stand-in accepts, instead of a new one. */
    token = `ghs_${randomBytes(27).toString('base64url')}`,
  ): TokenGrant {
    const grant: TokenGrant = { token, source, permissions, holder };
    this.byToken.set(grant.token, grant);
    this.listener?.(grant);
    return grant;
  }

  lookup(token: string): TokenGrant | undefined {
    return this.byToken.get(token);
  }
}
