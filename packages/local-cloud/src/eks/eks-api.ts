// The local EKS API (REST-JSON, SigV4 with signing name `eks`): DescribeCluster and
// ListClusters for the clusters it knows, authorized by IAM (`eks:DescribeCluster` on the
// cluster ARN), with EKS's error types (`x-amzn-ErrorType` header, `{"message"}` body).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StoredCredentials } from '../aws/credential-store.ts';
import { jsonSignatureError } from '../aws/json-protocol.ts';
import { type ReceivedRequest, SigV4Error } from '../aws/sigv4-verifier.ts';
import { BodyTooLargeError, readBody } from '../http/server.ts';
import type { Iam } from '../iam/iam.ts';
import type { AccessEntries } from '../kube/auth/access-entries.ts';
import { AccessEntryApiError, accessEntryRoute, accessEntryTagsRoute } from './access-entries-api.ts';

export interface EksClusterRecord {
  name: string;
  arn: string;
  endpoint: string;
  caPem: string;
  createdAt: Date;
  version: string;
  roleArn: string;
}

export interface EksApiOptions {
  iam: Iam;
  region: string;
  verifySignedRequest: (request: ReceivedRequest, service: string) => Promise<StoredCredentials>;
  clusters: () => readonly EksClusterRecord[];
  /** The cluster's access entries: with them, the access entry API is served. */
  accessEntries?: AccessEntries;
  now?: () => Date;
}

export class EksError extends Error {
  readonly type: string;
  readonly status: number;
  readonly extra: Record<string, unknown>;
  constructor(type: string, status: number, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'EksError';
    this.type = type;
    this.status = status;
    this.extra = extra;
  }
}

function send(res: ServerResponse, status: number, body: unknown, requestId: string, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-requestid': requestId,
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

/** A request's JSON object body ({} when empty), or BadRequestException. */
function parseBody(body: Buffer): Record<string, unknown> {
  let parsed: unknown = {};
  if (body.length > 0) {
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new EksError('BadRequestException', 400, 'The request body is not valid JSON');
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new EksError('BadRequestException', 400, 'The request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;

export function describeClusterBody(c: EksClusterRecord, region: string): unknown {
  return {
    cluster: {
      name: c.name,
      arn: c.arn,
      createdAt: Math.floor(c.createdAt.getTime() / 1000),
      version: c.version,
      endpoint: c.endpoint,
      roleArn: c.roleArn,
      resourcesVpcConfig: {
        subnetIds: [],
        securityGroupIds: [],
        endpointPublicAccess: true,
        endpointPrivateAccess: false,
        publicAccessCidrs: ['127.0.0.1/32'],
      },
      kubernetesNetworkConfig: { serviceIpv4Cidr: '10.96.0.0/12', ipFamily: 'ipv4' },
      logging: { clusterLogging: [] },
      identity: { oidc: { issuer: `https://oidc.eks.${region}.amazonaws.com/id/${c.name.toUpperCase()}` } },
      status: 'ACTIVE',
      certificateAuthority: { data: Buffer.from(c.caPem).toString('base64') },
      platformVersion: 'eks.1',
      tags: {},
      accessConfig: { authenticationMode: 'API' },
    },
  };
}

export class EksApi {
  readonly #o: EksApiOptions;

  constructor(options: EksApiOptions) {
    this.#o = options;
  }

  handler(): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
    return async (req, res) => {
      const requestId = randomUUID();
      try {
        const body = await readBody(req, 1024 * 1024).catch((error: unknown) => {
          if (error instanceof BodyTooLargeError) throw new EksError('BadRequestException', 413, error.message);
          throw error;
        });
        let caller: StoredCredentials;
        try {
          caller = await this.#o.verifySignedRequest(
            { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body },
            'eks',
          );
        } catch (error: unknown) {
          if (error instanceof SigV4Error) {
            const e = jsonSignatureError(error);
            throw new EksError(e.type, e.status, e.message);
          }
          throw error;
        }
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const describe = /^\/clusters\/([^/]+)$/.exec(url.pathname);
        if (req.method === 'GET' && describe?.[1]) {
          send(res, 200, this.#describe(decodeURIComponent(describe[1]), caller), requestId);
          return;
        }
        const tagged = /^\/tags\/([^/]+)$/.exec(url.pathname);
        if (tagged?.[1] && this.#o.accessEntries) {
          const route = accessEntryTagsRoute({
            entries: this.#o.accessEntries,
            method: req.method ?? 'GET',
            resourceArn: decodeURIComponent(tagged[1]),
            now: this.#o.now ?? (() => new Date()),
          });
          if (route) {
            this.#authorize(caller, `eks:${route.action}`, route.resource);
            send(res, 200, route.run(parseBody(body), url.searchParams), requestId);
            return;
          }
        }
        const sub = /^\/clusters\/([^/]+)\/(.+)$/.exec(url.pathname);
        if (sub?.[1] && sub[2] && this.#o.accessEntries) {
          send(
            res,
            200,
            this.#accessEntries(req.method ?? 'GET', decodeURIComponent(sub[1]), sub[2], body, caller),
            requestId,
          );
          return;
        }
        if (req.method === 'GET' && url.pathname === '/clusters') {
          this.#authorize(
            caller,
            'eks:ListClusters',
            `arn:aws:eks:${this.#o.region}:${this.#o.iam.accountId}:cluster/*`,
          );
          send(res, 200, { clusters: this.#o.clusters().map((c) => c.name) }, requestId);
          return;
        }
        throw new EksError(
          'NotFoundException',
          404,
          `The resource you requested does not exist: ${req.method} ${url.pathname} (the local EKS does not implement it)`,
        );
      } catch (error: unknown) {
        if (error instanceof AccessEntryApiError) {
          send(res, error.status, { message: error.message }, requestId, error.type);
          return;
        }
        if (error instanceof EksError) {
          send(res, error.status, { message: error.message, ...error.extra }, requestId, error.type);
          return;
        }
        send(
          res,
          500,
          { message: error instanceof Error ? error.message : String(error) },
          requestId,
          'ServerException',
        );
      }
    };
  }

  #authorize(caller: StoredCredentials, action: string, resource: string): void {
    const options = { sessionPolicies: caller.sessionPolicies, region: this.#o.region };
    const explanation = this.#o.iam.explain(caller.principal.arn, action, resource, options);
    if (explanation.decision !== 'allow') {
      throw new EksError(
        'AccessDeniedException',
        403,
        this.#o.iam.accessDeniedMessage(caller.principal.arn, action, resource, options),
      );
    }
  }

  #accessEntries(method: string, clusterName: string, rest: string, body: Buffer, caller: StoredCredentials): unknown {
    const cluster = this.#o.clusters().find((c) => c.name === clusterName);
    if (!cluster) {
      throw new EksError('ResourceNotFoundException', 404, `No cluster found for name: ${clusterName}.`, {
        clusterName,
      });
    }
    const route = accessEntryRoute({
      entries: this.#o.accessEntries as AccessEntries,
      cluster,
      region: this.#o.region,
      accountId: this.#o.iam.accountId,
      method,
      rest: rest.split('/').map((s) => decodeURIComponent(s)),
      now: this.#o.now ?? (() => new Date()),
    });
    if (!route) {
      throw new EksError(
        'NotFoundException',
        404,
        `The resource you requested does not exist: ${method} /clusters/${clusterName}/${rest} (the local EKS does not implement it)`,
      );
    }
    this.#authorize(caller, `eks:${route.action}`, route.resource);
    return route.run(parseBody(body), new URLSearchParams());
  }

  #describe(name: string, caller: StoredCredentials): unknown {
    if (!CLUSTER_NAME.test(name)) {
      throw new EksError(
        'InvalidParameterException',
        400,
        `The cluster name '${name}' is not valid: it must match [0-9A-Za-z][A-Za-z0-9\\-_]{0,99}`,
      );
    }
    const arn = `arn:aws:eks:${this.#o.region}:${this.#o.iam.accountId}:cluster/${name}`;
    this.#authorize(caller, 'eks:DescribeCluster', arn);
    const cluster = this.#o.clusters().find((c) => c.name === name);
    if (!cluster)
      throw new EksError('ResourceNotFoundException', 404, `No cluster found for name: ${name}.`, {
        clusterName: name,
      });
    return describeClusterBody(cluster, this.#o.region);
  }
}
