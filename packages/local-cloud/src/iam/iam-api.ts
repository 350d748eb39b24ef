// The local IAM API (query protocol, 2010-05-08, SigV4 with signing name `iam` in us-east-1):
// the OIDC provider, role, inline and managed policy, attachment and tag calls the AWS SDKs and
// the Terraform provider make, each authorized by IAM (`iam:<Action>` on the entity's ARN).
// An action or a parameter this stand-in does not implement is refused, naming it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StoredCredentials } from '../aws/credential-store.ts';
import { newRequestId, QueryProtocolError, queryParameters, sendQueryError, sendXml } from '../aws/query-protocol.ts';
import { SigV4Error, type SigV4Verifier } from '../aws/sigv4-verifier.ts';
import { BodyTooLargeError, readBody } from '../http/server.ts';
import { stsSignatureError } from '../sts/sts-service.ts';
import { type Iam, IamError } from './iam.ts';
import { type IamOperation, iamOperations } from './iam-operations.ts';
import { IAM_XMLNS, responseXml } from './iam-xml.ts';
import { MalformedPolicyDocumentError } from './policy.ts';
import { QueryParams } from './query-params.ts';

const VERSION = '2010-05-08';
/** IAM is global: requests are signed for us-east-1. */
export const IAM_SIGNING_REGION = 'us-east-1';

const STATUS: Record<string, number> = {
  NoSuchEntity: 404,
  EntityAlreadyExists: 409,
  DeleteConflict: 409,
  LimitExceeded: 409,
};

export interface IamApiOptions {
  iam: Iam;
  verifier: SigV4Verifier;
  now?: () => Date;
}

export class IamApi {
  readonly #o: IamApiOptions;
  readonly #operations: Record<string, IamOperation>;

  constructor(options: IamApiOptions) {
    this.#o = options;
    this.#operations = iamOperations(options.iam);
  }

  handler() {
    return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const requestId = newRequestId();
      try {
        const body = await readBody(req, 256 * 1024).catch((error: unknown) => {
          if (error instanceof BodyTooLargeError)
            throw new QueryProtocolError('RequestEntityTooLarge', error.message, 413);
          throw error;
        });
        const url = new URL(req.url ?? '/', 'http://localhost');
        const params = queryParameters(req.method ?? 'GET', url, req.headers['content-type'], body);
        const caller = await this.#authenticate(req, body);
        const action = params.get('Action');
        if (action === undefined || action === '') throw new QueryProtocolError('MissingAction', 'Missing Action');
        const version = params.get('Version');
        const op = this.#operations[action];
        if (version !== VERSION || op === undefined) {
          throw new QueryProtocolError(
            'InvalidAction',
            `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}${op === undefined ? ' (the local IAM does not implement it)' : ''}`,
          );
        }
        const p = new QueryParams(params);
        const unknown = p.unknown(op.parameters);
        if (unknown.length > 0) {
          throw new QueryProtocolError(
            'InvalidInput',
            `${action}: parameter ${unknown.join(', ')} is not supported by the local IAM`,
          );
        }
        const resource =
          action === 'GetUser' && p.string('UserName') === undefined ? caller.principal.arn : op.resource(p);
        this.#authorize(caller, `iam:${action}`, resource);
        const result = op.run(p, caller.principal);
        sendXml(res, 200, responseXml(action, result, requestId), requestId);
      } catch (error) {
        const e = toQueryError(error);
        if (e) {
          sendQueryError(res, e, requestId, IAM_XMLNS);
          return;
        }
        throw error;
      }
    };
  }

  async #authenticate(req: IncomingMessage, body: Buffer): Promise<StoredCredentials> {
    try {
      return await this.#o.verifier.verify(
        { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body },
        { service: 'iam', regions: [IAM_SIGNING_REGION], now: (this.#o.now ?? (() => new Date()))() },
      );
    } catch (error) {
      if (error instanceof SigV4Error) throw stsSignatureError(error);
      throw error;
    }
  }

  #authorize(caller: StoredCredentials, action: string, resource: string): void {
    const options = { sessionPolicies: caller.sessionPolicies };
    if (this.#o.iam.evaluate(caller.principal.arn, action, resource, options) !== 'allow') {
      throw new QueryProtocolError(
        'AccessDenied',
        this.#o.iam.accessDeniedMessage(caller.principal.arn, action, resource, options),
        403,
      );
    }
  }
}

function toQueryError(error: unknown): QueryProtocolError | undefined {
  if (error instanceof QueryProtocolError) return error;
  if (error instanceof MalformedPolicyDocumentError)
    return new QueryProtocolError('MalformedPolicyDocument', error.message);
  if (error instanceof IamError) return new QueryProtocolError(error.code, error.message, STATUS[error.code] ?? 400);
  return undefined;
}
