// The local STS (query protocol, 2011-06-15): AssumeRoleWithWebIdentity (unsigned, as on AWS) and
// GetCallerIdentity (SigV4, header-signed or presigned), with AWS's XML errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CredentialStore, Principal, StoredCredentials } from '../aws/credential-store.ts';
import {
  newRequestId,
  QueryProtocolError,
  queryParameters,
  sendQueryError,
  sendXml,
  ValidationErrors,
  xmlElements,
} from '../aws/query-protocol.ts';
import { type ReceivedRequest, SigV4Error, type SigV4Verifier } from '../aws/sigv4-verifier.ts';
import { BodyTooLargeError, readBody } from '../http/server.ts';
import type { Iam, Role } from '../iam/iam.ts';
import { MalformedPolicyDocumentError, type Policy, parsePolicy } from '../iam/policy.ts';
import { webIdentityConditionContext } from './oidc-condition-keys.ts';
import { type JwksSource, verifyWebIdentityToken } from './web-identity-token.ts';

export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const VERSION = '2011-06-15';
/** STS ignores X-Amz-Expires: a presigned request is valid 15 minutes after its X-Amz-Date. */
export const STS_PRESIGNED_LIFETIME_MS = 15 * 60_000;

export interface StsOptions {
  iam: Iam;
  store: CredentialStore;
  verifier: SigV4Verifier;
  region: string;
  jwks: JwksSource;
  now?: () => Date;
}

/** The caller a presigned GetCallerIdentity URL proves. */
export interface CallerIdentity {
  arn: string;
  account: string;
  userId: string;
  /** `arn:aws:iam::<acct>:role/<name>` when the caller is an assumed role. */
  roleArn?: string;
  /** The access key that signed. */
  accessKeyId: string;
}

/** Maps a SigV4 failure to STS's error (query protocol). */
export function stsSignatureError(error: SigV4Error): QueryProtocolError {
  switch (error.failure) {
    case 'missing':
      return new QueryProtocolError('MissingAuthenticationToken', error.message, 403);
    case 'incomplete':
      return new QueryProtocolError('IncompleteSignature', error.message, 400);
    case 'unknown-key':
    case 'bad-token':
      return new QueryProtocolError('InvalidClientTokenId', error.message, 403);
    case 'expired-token':
      return new QueryProtocolError('ExpiredToken', error.message, 403);
    case 'expired-request':
      return new QueryProtocolError('RequestExpired', error.message, 400);
    default:
      return new QueryProtocolError('SignatureDoesNotMatch', error.message, 403);
  }
}

interface RoleParameters {
  roleArn: string;
  sessionName: string;
  duration?: number;
  policyText?: string;
  sessionPolicies: Policy[];
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * STS answers in JSON when asked with `Accept: application/json` (aws-iam-authenticator asks so
 * and parses `{"GetCallerIdentityResponse": ...}`, and errors as `{"Error": {...}, "RequestId"}`).
 */
function wantsJson(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '')
    .split(',')
    .some((t) => t.split(';')[0]?.trim().toLowerCase() === 'application/json');
}

function sendJson(res: ServerResponse, status: number, body: unknown, requestId: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-requestid': requestId,
  });
  res.end(text);
}

export class StsService {
  readonly #o: Required<StsOptions>;

  constructor(options: StsOptions) {
    this.#o = { now: () => new Date(), ...options };
  }

  /** Temporary credentials for `role` (what AssumeRole* issues), also for tests that skip OIDC. */
  issueRoleCredentials(
    role: Role,
    options: { sessionName: string; durationSeconds?: number; expiration?: Date; sessionPolicies?: Policy[] },
  ): StoredCredentials {
    const principal: Principal = {
      type: 'assumed-role',
      arn: `arn:${this.#o.iam.partition}:sts::${this.#o.iam.accountId}:assumed-role/${role.name}/${options.sessionName}`,
      accountId: this.#o.iam.accountId,
      userId: `${role.roleId}:${options.sessionName}`,
      roleArn: role.arn,
      sessionName: options.sessionName,
    };
    const expiration =
      options.expiration ?? new Date(this.#o.now().getTime() + (options.durationSeconds ?? 3600) * 1000);
    return this.#o.store.issueTemporary(principal, expiration, options.sessionPolicies ?? []);
  }

  handler() {
    return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const requestId = newRequestId();
      try {
        const url = new URL(req.url ?? '/', 'http://localhost');
        let body: Buffer;
        try {
          body = await readBody(req, 128 * 1024);
        } catch (error) {
          if (error instanceof BodyTooLargeError)
            throw new QueryProtocolError('RequestEntityTooLarge', error.message, 413);
          throw error;
        }
        const params = queryParameters(req.method ?? 'GET', url, req.headers['content-type'], body);
        const action = params.get('Action');
        if (action === undefined || action === '') throw new QueryProtocolError('MissingAction', 'Missing Action');
        const version = params.get('Version');
        if (version !== VERSION) {
          throw new QueryProtocolError(
            'InvalidAction',
            `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`,
          );
        }
        let xml: string;
        if (action === 'AssumeRoleWithWebIdentity') {
          xml = await this.#assumeRoleWithWebIdentity(params, requestId);
        } else if (action === 'AssumeRole') {
          const creds = await this.#authenticate({
            method: req.method ?? 'GET',
            url: req.url ?? '/',
            headers: req.headers,
            body,
          });
          xml = this.#assumeRole(params, creds, requestId);
        } else if (action === 'GetCallerIdentity') {
          const creds = await this.#authenticate({
            method: req.method ?? 'GET',
            url: req.url ?? '/',
            headers: req.headers,
            body,
          });
          if (wantsJson(req)) {
            sendJson(res, 200, this.#callerIdentityJson(creds, requestId), requestId);
            return;
          }
          xml = this.#callerIdentityXml(creds, requestId);
        } else {
          throw new QueryProtocolError('InvalidAction', `Could not find operation ${action} for version ${VERSION}`);
        }
        sendXml(res, 200, xml, requestId);
      } catch (error) {
        if (error instanceof QueryProtocolError) {
          if (wantsJson(req)) {
            const body = {
              Error: { Code: error.code, Message: error.message, Type: error.type },
              RequestId: requestId,
            };
            sendJson(res, error.status, body, requestId);
            return;
          }
          sendQueryError(res, error, requestId, STS_XMLNS);
          return;
        }
        throw error;
      }
    };
  }

  async #authenticate(request: ReceivedRequest): Promise<StoredCredentials> {
    try {
      return await this.#o.verifier.verify(request, {
        service: 'sts',
        regions: [this.#o.region],
        now: this.#o.now(),
        presignedLifetimeMs: STS_PRESIGNED_LIFETIME_MS,
      });
    } catch (error) {
      if (error instanceof SigV4Error) throw stsSignatureError(error);
      throw error;
    }
  }

  /**
   * Verifies a presigned `GetCallerIdentity` URL (an EKS token's payload) as STS would answer it
   * when fetched with `headers` (e.g. `x-k8s-aws-id`, which must then be a signed header).
   * Throws QueryProtocolError with STS's code (SignatureDoesNotMatch, ExpiredToken, ...).
   */
  async verifyPresignedGetCallerIdentity(
    url: string | URL,
    options: { now?: Date; headers?: Record<string, string> } = {},
  ): Promise<CallerIdentity> {
    const u = typeof url === 'string' ? new URL(url) : url;
    const action = u.searchParams.get('Action');
    if (action !== 'GetCallerIdentity' || u.searchParams.get('Version') !== VERSION) {
      throw new QueryProtocolError(
        'InvalidAction',
        `Could not find operation ${action ?? ''} for version ${u.searchParams.get('Version') ?? 'NO_VERSION_SPECIFIED'}`,
      );
    }
    const headers: Record<string, string> = { host: u.host };
    for (const [k, v] of Object.entries(options.headers ?? {})) headers[k.toLowerCase()] = v;
    let creds: StoredCredentials;
    try {
      creds = await this.#o.verifier.verify(
        { method: 'GET', url: `${u.pathname}${u.search}`, headers },
        {
          service: 'sts',
          regions: [this.#o.region],
          now: options.now ?? this.#o.now(),
          presignedLifetimeMs: STS_PRESIGNED_LIFETIME_MS,
        },
      );
    } catch (error) {
      if (error instanceof SigV4Error) throw stsSignatureError(error);
      throw error;
    }
    const p = creds.principal;
    return {
      arn: p.arn,
      account: p.accountId,
      userId: p.userId,
      accessKeyId: creds.accessKeyId,
      ...(p.roleArn !== undefined ? { roleArn: p.roleArn } : {}),
    };
  }

  #callerIdentityJson(creds: StoredCredentials, requestId: string): unknown {
    const p = creds.principal;
    return {
      GetCallerIdentityResponse: {
        GetCallerIdentityResult: { Account: p.accountId, Arn: p.arn, UserId: p.userId },
        ResponseMetadata: { RequestId: requestId },
      },
    };
  }

  #callerIdentityXml(creds: StoredCredentials, requestId: string): string {
    const p = creds.principal;
    return `<GetCallerIdentityResponse xmlns="${STS_XMLNS}"><GetCallerIdentityResult>${xmlElements({
      Arn: p.arn,
      UserId: p.userId,
      Account: p.accountId,
    })}</GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
  }

  /** Validates the parameters AssumeRole and AssumeRoleWithWebIdentity share (ValidationError). */
  /** The role's credentials for `duration` seconds, refused above the role's MaxSessionDuration. */
  #issueWithinMaxDuration(role: Role, p: RoleParameters, duration: number): StoredCredentials {
    if (duration > role.maxSessionDurationSeconds) {
      throw new QueryProtocolError(
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    }
    return this.issueRoleCredentials(role, {
      sessionName: p.sessionName,
      durationSeconds: duration,
      sessionPolicies: p.sessionPolicies,
    });
  }

  #roleParameters(params: Map<string, string>, extra: (v: ValidationErrors) => void): RoleParameters {
    const roleArn = params.get('RoleArn');
    const sessionName = params.get('RoleSessionName');
    const durationText = params.get('DurationSeconds');
    const policyText = params.get('Policy');
    const v = new ValidationErrors();
    if (roleArn === undefined) v.add(undefined, 'roleArn', 'Member must not be null');
    else if (roleArn.length < 20 || roleArn.length > 2048) {
      v.add(roleArn, 'roleArn', 'Member must have length greater than or equal to 20');
    }
    if (sessionName === undefined) v.add(undefined, 'roleSessionName', 'Member must not be null');
    else if (!/^[\w+=,.@-]*$/.test(sessionName)) {
      v.add(sessionName, 'roleSessionName', 'Member must satisfy regular expression pattern: [\\w+=,.@-]*');
    } else if (sessionName.length < 2 || sessionName.length > 64) {
      v.add(
        sessionName,
        'roleSessionName',
        `Member must have length ${sessionName.length < 2 ? 'greater than or equal to 2' : 'less than or equal to 64'}`,
      );
    }
    extra(v);
    let duration: number | undefined;
    if (durationText !== undefined) {
      duration = /^\d+$/.test(durationText) ? Number(durationText) : Number.NaN;
      if (!Number.isInteger(duration)) v.add(durationText, 'durationSeconds', 'Member must be an integer');
      else if (duration < 900)
        v.add(durationText, 'durationSeconds', 'Member must have value greater than or equal to 900');
      else if (duration > 43200)
        v.add(durationText, 'durationSeconds', 'Member must have value less than or equal to 43200');
    }
    if (policyText !== undefined && (policyText.length < 1 || policyText.length > 2048)) {
      v.add('***', 'policy', 'Member must have length less than or equal to 2048');
    }
    v.throwIfAny();
    let sessionPolicies: Policy[] = [];
    if (policyText !== undefined) {
      try {
        sessionPolicies = [parsePolicy(policyText, 'session')];
      } catch (error) {
        if (error instanceof MalformedPolicyDocumentError) {
          throw new QueryProtocolError('MalformedPolicyDocument', error.message, 400);
        }
        throw error;
      }
    }
    return {
      roleArn: roleArn ?? '',
      sessionName: sessionName ?? '',
      sessionPolicies,
      ...(duration !== undefined ? { duration } : {}),
      ...(policyText !== undefined ? { policyText } : {}),
    };
  }

  #credentialsXml(
    creds: StoredCredentials,
    policyText: string | undefined,
  ): Record<string, { xml: string } | string | undefined> {
    return {
      Credentials: {
        xml: xmlElements({
          AccessKeyId: creds.accessKeyId,
          SecretAccessKey: creds.secretAccessKey,
          SessionToken: creds.sessionToken,
          Expiration: creds.expiration ? isoSeconds(creds.expiration) : undefined,
        }),
      },
      AssumedRoleUser: { xml: xmlElements({ AssumedRoleId: creds.principal.userId, Arn: creds.principal.arn }) },
      PackedPolicySize: policyText !== undefined ? String(Math.min(100, Math.ceil(policyText.length / 20))) : undefined,
    };
  }

  async #assumeRoleWithWebIdentity(params: Map<string, string>, requestId: string): Promise<string> {
    const token = params.get('WebIdentityToken');
    const p = this.#roleParameters(params, (v) => {
      if (token === undefined) v.add(undefined, 'webIdentityToken', 'Member must not be null');
      else if (token.length < 4 || token.length > 20000) {
        v.add('***', 'webIdentityToken', 'Member must have length between 4 and 20000');
      }
    });
    const identity = await verifyWebIdentityToken(token ?? '', {
      iam: this.#o.iam,
      jwks: this.#o.jwks,
      now: this.#o.now(),
    });
    const denied = new QueryProtocolError(
      'AccessDenied',
      'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      403,
    );
    const role = this.#o.iam.getRole(p.roleArn);
    if (!role || role.arn !== p.roleArn) throw denied;
    const prefix = identity.provider.keyPrefix;
    const trust = this.#o.iam.evaluateTrust(
      role,
      { type: 'Federated', id: identity.provider.arn },
      'sts:AssumeRoleWithWebIdentity',
      { ...webIdentityConditionContext(prefix, identity), 'aws:FederatedProvider': identity.provider.arn },
    );
    if (trust.decision !== 'allow') throw denied;
    const duration = p.duration ?? 3600;
    const creds = this.#issueWithinMaxDuration(role, p, duration);
    const result = xmlElements({
      ...this.#credentialsXml(creds, p.policyText),
      SubjectFromWebIdentityToken: identity.subject,
      Provider: identity.provider.url.replace(/^https?:\/\//, ''),
      Audience: identity.audience,
    });
    return `<AssumeRoleWithWebIdentityResponse xmlns="${STS_XMLNS}"><AssumeRoleWithWebIdentityResult>${result}</AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`;
  }

  /**
   * AssumeRole with SigV4-signed credentials: the role's trust policy must name the caller (its
   * ARN, its role's ARN, or the account, in which case the caller's own policies must also allow
   * sts:AssumeRole on the role). Role chaining is limited to one hour, as on AWS.
   */
  #assumeRole(params: Map<string, string>, caller: StoredCredentials, requestId: string): string {
    const p = this.#roleParameters(params, () => {});
    const iam = this.#o.iam;
    const callerArn = caller.principal.arn;
    const denied = new QueryProtocolError(
      'AccessDenied',
      `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${p.roleArn}`,
      403,
    );
    const role = iam.getRole(p.roleArn);
    if (!role || role.arn !== p.roleArn) throw denied;
    const candidates = [callerArn, ...(caller.principal.roleArn !== undefined ? [caller.principal.roleArn] : [])];
    const context = {
      'aws:PrincipalArn': caller.principal.roleArn ?? callerArn,
      'aws:PrincipalAccount': iam.accountId,
    };
    const named = candidates.some(
      (id) => iam.evaluateTrust(role, { type: 'AWS', id }, 'sts:AssumeRole', context).decision === 'allow',
    );
    const account = [`arn:${iam.partition}:iam::${iam.accountId}:root`, iam.accountId].some(
      (id) => iam.evaluateTrust(role, { type: 'AWS', id }, 'sts:AssumeRole', context).decision === 'allow',
    );
    const identityAllows =
      iam.explain(callerArn, 'sts:AssumeRole', role.arn, { sessionPolicies: caller.sessionPolicies }).decision ===
      'allow';
    if (!named && !(account && identityAllows)) throw denied;
    const chained = caller.principal.type === 'assumed-role';
    const duration = p.duration ?? 3600;
    if (chained && duration > 3600) {
      throw new QueryProtocolError(
        'ValidationError',
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      );
    }
    const creds = this.#issueWithinMaxDuration(role, p, duration);
    return `<AssumeRoleResponse xmlns="${STS_XMLNS}"><AssumeRoleResult>${xmlElements(this.#credentialsXml(creds, p.policyText))}</AssumeRoleResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
  }
}
