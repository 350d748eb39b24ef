// What tests (and the admin endpoint) may do to the local cloud beyond the AWS APIs: roles and
// users with custom policies, credentials without OIDC, ID tokens with chosen claims or faults,
// scan findings, expired registry passwords, the registry front's request log, and lifecycle
// policy runs.
import type { AwsCredentials, CredentialStore } from '../aws/credential-store.ts';
import type { EcrRegistry } from '../ecr/ecr-registry.ts';
import type { LifecycleOutcome } from '../ecr/lifecycle-evaluation.ts';
import { runLifecyclePolicy } from '../ecr/lifecycle-run.ts';
import type { RegistryTokens } from '../ecr/registry-tokens.ts';
import type { ScanFinding, ScanFindingsStore } from '../ecr/scan-findings.ts';
import type { Iam, OidcProviderEntry, Role } from '../iam/iam.ts';
import type { GithubJobClaims } from '../oidc/github-claims.ts';
import type { IdTokenGrant, IdTokenGrants } from '../oidc/id-token-grants.ts';
import type { OidcIssuer, TokenOptions } from '../oidc/issuer.ts';
import type { RequestLog, RequestLogEntry } from '../registry-front/request-log.ts';
import type { StsService } from '../sts/sts-service.ts';

export interface GithubRoleInput {
  name: string;
  /** `sub` patterns the trust policy allows (StringLike), e.g. `repo:o/r:environment:dev`. */
  subjects: string[];
  /** Inline permission policies by name (IAM policy documents). */
  policies?: Record<string, unknown>;
  maxSessionDurationSeconds?: number;
}

export interface AdminParts {
  iam: Iam;
  provider: OidcProviderEntry;
  store: CredentialStore;
  sts: StsService;
  issuer: OidcIssuer;
  grants: IdTokenGrants;
  registry: EcrRegistry;
  tokens: RegistryTokens;
  findings: ScanFindingsStore;
  log: RequestLog;
  githubRepository: string;
}

export class LocalCloudAdmin {
  readonly iam: Iam;
  readonly ecr: EcrRegistry;
  readonly sts: StsService;
  /** The Kubernetes part's admin, when it runs. */
  kube: unknown;
  readonly #p: AdminParts;
  readonly #crashers = new Map<string, () => Promise<void>>();

  constructor(parts: AdminParts) {
    this.#p = parts;
    this.iam = parts.iam;
    this.ecr = parts.registry;
    this.sts = parts.sts;
  }

  /** A role that GitHub OIDC tokens with one of `subjects` may assume (audience sts.amazonaws.com). */
  createGithubRole(input: GithubRoleInput): Role {
    const prefix = this.#p.provider.keyPrefix;
    return this.#p.iam.createRole({
      name: input.name,
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: this.#p.provider.arn },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: { [`${prefix}:aud`]: 'sts.amazonaws.com' },
              StringLike: { [`${prefix}:sub`]: input.subjects },
            },
          },
        ],
      },
      ...(input.policies !== undefined ? { policies: input.policies } : {}),
      ...(input.maxSessionDurationSeconds !== undefined
        ? { maxSessionDurationSeconds: input.maxSessionDurationSeconds }
        : {}),
    });
  }

  /** An IAM user with inline policies and a long-lived access key (AKIA...). */
  createUser(input: { name: string; policies?: Record<string, unknown> }): AwsCredentials & { arn: string } {
    const user = this.#p.iam.createUser(input);
    const creds = this.#p.store.createAccessKey({
      type: 'user',
      arn: user.arn,
      accountId: this.#p.iam.accountId,
      userId: user.userId,
    });
    return { arn: user.arn, accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey };
  }

  /** Temporary credentials of a role without going through OIDC (e.g. already expired ones). */
  roleCredentials(
    role: string,
    options: { sessionName?: string; durationSeconds?: number; expiration?: Date } = {},
  ): Required<Pick<AwsCredentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>> & {
    expiration: Date;
    arn: string;
  } {
    const found = this.#p.iam.getRole(role);
    if (!found) throw new Error(`local cloud: role '${role}' does not exist`);
    const creds = this.#p.sts.issueRoleCredentials(found, {
      sessionName: options.sessionName ?? 'local-admin',
      ...options,
    });
    return {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken ?? '',
      expiration: creds.expiration ?? new Date(),
      arn: creds.principal.arn,
    };
  }

  /** A registry password for the holder of `accessKeyId` (an `expiresAt` in the past tests expiry). */
  registryPassword(accessKeyId: string, options: { expiresAt?: Date } = {}): string {
    const caller = this.#p.store.get(accessKeyId);
    if (!caller) throw new Error(`local cloud: access key '${accessKeyId}' was not issued here`);
    return this.#p.tokens.issue(caller, options).password;
  }

  #claims(claims: Partial<GithubJobClaims>): GithubJobClaims {
    return { ...claims, repository: claims.repository ?? this.#p.githubRepository };
  }

  /** ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN for a job with these claims (default: push to main). */
  grantIdToken(claims: Partial<GithubJobClaims> = {}, options: Omit<TokenOptions, 'audience'> = {}): IdTokenGrant {
    return this.#p.grants.grant(this.#claims(claims), options);
  }

  /** A signed ID token (faults: `expired`, `wrongKey`, `unknownKid`, another `audience`). */
  issueIdToken(claims: Partial<GithubJobClaims> = {}, options: TokenOptions = {}): Promise<string> {
    return this.#p.issuer.issue(this.#claims(claims), { audience: 'sts.amazonaws.com', ...options });
  }

  /**
   * Runs a repository's lifecycle policy now and expires what it selects, with their referrers.
   * Local only: real ECR runs the policy on its own, within 24 hours; no AWS API starts a run.
   */
  runLifecyclePolicy(repository: string, now: Date = new Date()): LifecycleOutcome {
    return runLifecyclePolicy(this.#p.registry, this.#p.registry.requireRepository(repository), now);
  }

  /** Findings the stand-in scanner reports for `digest` (or `*`: every image) of `repository`. */
  setScanFindings(repository: string, digest: string, findings: readonly ScanFinding[]): void {
    this.#p.findings.set(repository, digest, findings);
  }

  /** Names a component that `crash` can stop (the serving process registers them as it starts them). */
  crashable(name: string, stop: () => Promise<void>): void {
    this.#crashers.set(name, stop);
  }

  /**
   * Fault injection: stops one component as its crash would (its server stops listening), so that
   * a health check from outside finds it dead. The Distribution registry is a process of its own:
   * kill it (`pids.distribution` of endpoints.json) instead.
   */
  async crash(name: string): Promise<void> {
    const stop = this.#crashers.get(name);
    if (!stop) {
      throw new Error(`crash: component: got '${name}'; expected one of ${[...this.#crashers.keys()].join(', ')}`);
    }
    await stop();
  }

  /** The registry front's requests so far. */
  registryLog(): RequestLogEntry[] {
    return this.#p.log.entries();
  }
}
