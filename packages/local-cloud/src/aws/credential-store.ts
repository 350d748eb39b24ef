// The credentials the local STS has issued (ASIA... with a session token and an expiration) and
// long-lived user keys (AKIA...), looked up by access key ID when a request's signature is checked.
import { randomBytes } from 'node:crypto';
import type { Policy } from '../iam/policy.ts';
import { newAccessKeyId, newSecretAccessKey } from '../iam/unique-id.ts';

/** Who a set of credentials belongs to. */
export interface Principal {
  type: 'assumed-role' | 'user';
  /** `arn:aws:sts::<acct>:assumed-role/<role>/<session>` or `arn:aws:iam::<acct>:user/<name>` */
  arn: string;
  accountId: string;
  /** `AROA...:<session>` or `AIDA...` */
  userId: string;
  /** The role's ARN (`arn:aws:iam::<acct>:role/<name>`) for assumed roles. */
  roleArn?: string;
  sessionName?: string;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export interface StoredCredentials extends AwsCredentials {
  principal: Principal;
  /** Session policies passed to AssumeRole* (`Policy`): they narrow the role's permissions. */
  sessionPolicies: Policy[];
  issuedAt: Date;
}

export class CredentialStore {
  readonly #byKey = new Map<string, StoredCredentials>();
  readonly #now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  /** Temporary credentials (`ASIA...`) valid until `expiration`. */
  issueTemporary(principal: Principal, expiration: Date, sessionPolicies: Policy[] = []): StoredCredentials {
    const creds: StoredCredentials = {
      accessKeyId: newAccessKeyId('ASIA'),
      secretAccessKey: newSecretAccessKey(),
      // AWS session tokens are long opaque base64 strings starting with "IQoJb3JpZ2luX2Vj".
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(270).toString('base64')}`,
      expiration,
      principal,
      sessionPolicies,
      issuedAt: this.#now(),
    };
    this.#byKey.set(creds.accessKeyId, creds);
    return creds;
  }

  /** Long-lived access keys (`AKIA...`) of an IAM user. */
  createAccessKey(principal: Principal): StoredCredentials {
    const creds: StoredCredentials = {
      accessKeyId: newAccessKeyId('AKIA'),
      secretAccessKey: newSecretAccessKey(),
      principal,
      sessionPolicies: [],
      issuedAt: this.#now(),
    };
    this.#byKey.set(creds.accessKeyId, creds);
    return creds;
  }

  get(accessKeyId: string): StoredCredentials | undefined {
    return this.#byKey.get(accessKeyId);
  }
}
