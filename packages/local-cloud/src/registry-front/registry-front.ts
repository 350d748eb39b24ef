// The ECR registry endpoint: a front on its own port before the real Distribution registry. It
// authenticates `AWS:<password>` from GetAuthorizationToken, evaluates the caller's IAM policies
// for each request's ECR action, refuses unknown repositories, applies ECR's manifest rules (a
// top-level mediaType; tag immutability even for the same digest) and reproduces ECR's quirks:
// PATCH answered 201 with a Range that does not advance after the first chunk, and a mount that
// succeeds only for a blob some manifest of the source repository references.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type EcrRegistry, ManifestReferenceError, TagImmutableError } from '../ecr/ecr-registry.ts';
import { ManifestRejectedError } from '../ecr/manifest.ts';
import type { RegistryToken, RegistryTokens } from '../ecr/registry-tokens.ts';
import { BodyTooLargeError, readBody } from '../http/server.ts';
import type { Iam } from '../iam/iam.ts';
import type { LayerBucket } from './layer-bucket.ts';
import { API_VERSION_HEADER, sendOciError } from './oci-error.ts';
import { proxy, rewriteLocation } from './proxy.ts';
import { OCI_INDEX, ReferrersRequestError, referrersIndex, subjectOf } from './referrers.ts';
import type { RequestLog } from './request-log.ts';
import { ecrActions, parseRoute, type Route } from './route.ts';

export interface RegistryFrontOptions {
  iam: Iam;
  registry: EcrRegistry;
  tokens: RegistryTokens;
  region: string;
  /** `http://127.0.0.1:<port>` of Distribution. */
  distributionUrl: string;
  /** `127.0.0.1:<port>` of this front. */
  host: string;
  log: RequestLog;
  /** Where blob downloads are redirected (ECR: S3); without it the front serves them itself. */
  layerBucket?: LayerBucket;
}

type Handled = { status: number; principal?: string; mounted?: boolean };

export class RegistryFront {
  readonly #o: RegistryFrontOptions;
  /** upload UUID -> the Range answered to its first PATCH (ECR's Range never advances after it). */
  readonly #firstRanges = new Map<string, string>();

  constructor(options: RegistryFrontOptions) {
    this.#o = options;
  }

  handler() {
    return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const started = new Date();
      const outcome = await this.#handle(req, res);
      this.#o.log.add({
        time: started,
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        status: outcome.status,
        ...(outcome.principal !== undefined ? { principal: outcome.principal } : {}),
        ...(outcome.mounted !== undefined ? { mounted: outcome.mounted } : {}),
      });
    };
  }

  #challenge(res: ServerResponse, method: string, message: string): Handled {
    sendOciError(
      res,
      401,
      'UNAUTHORIZED',
      message,
      {
        'www-authenticate': `Basic realm="http://${this.#o.host}/",service="ecr.amazonaws.com"`,
      },
      method,
    );
    return { status: 401 };
  }

  #authenticate(req: IncomingMessage): RegistryToken | 'missing' | 'invalid' | 'expired' {
    const header = req.headers.authorization;
    if (header === undefined) return 'missing';
    const m = /^Basic\s+(.+)$/i.exec(header);
    if (!m) return 'invalid';
    const decoded = Buffer.from(m[1] ?? '', 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0 || decoded.slice(0, colon) !== 'AWS') return 'invalid';
    const check = this.#o.tokens.check(decoded.slice(colon + 1));
    if (!check.ok) return check.reason === 'expired' ? 'expired' : 'invalid';
    return check.token;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<Handled> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = parseRoute(url.pathname);
    const auth = this.#authenticate(req);
    if (auth === 'missing') return this.#challenge(res, method, 'authentication required');
    if (auth === 'invalid') return this.#challenge(res, method, 'Your authorization token is invalid.');
    if (auth === 'expired') {
      sendOciError(
        res,
        403,
        'DENIED',
        'Your authorization token has expired. Reauthenticate and try again.',
        {},
        method,
      );
      return { status: 403 };
    }
    const principal = auth.caller.principal.arn;
    if (route.kind === 'ping') {
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': '2',
        ...API_VERSION_HEADER,
      });
      res.end(method === 'HEAD' ? undefined : '{}');
      return { status: 200, principal };
    }
    if (route.kind === 'catalog' || route.kind === 'unknown') {
      sendOciError(res, 405, 'UNSUPPORTED', 'The operation is unsupported.', {}, method);
      return { status: 405, principal };
    }
    const hasBody = Number(req.headers['content-length'] ?? '0') > 0 || req.headers['transfer-encoding'] !== undefined;
    for (const action of ecrActions(route, method, hasBody)) {
      const denied = this.#denied(auth, action, route.name);
      if (denied !== undefined) {
        sendOciError(res, 403, 'DENIED', denied, {}, method);
        return { status: 403, principal };
      }
    }
    if (!this.#o.registry.getRepository(route.name)) {
      sendOciError(
        res,
        404,
        'NAME_UNKNOWN',
        `The repository with name '${route.name}' does not exist in the registry with id '${this.#o.registry.accountId}'`,
        {},
        method,
      );
      return { status: 404, principal };
    }
    if (route.kind === 'referrers' && (method === 'GET' || method === 'HEAD')) {
      return { status: this.#referrers(res, method, route, url), principal };
    }
    if (route.kind === 'manifest' && (method === 'GET' || method === 'HEAD')) {
      const repo = this.#o.registry.getRepository(route.name);
      if (repo && !this.#o.registry.hasManifest(repo, route.reference)) {
        // ECR's state is the authority (an image a lifecycle policy expired is gone), in ECR's words.
        sendOciError(res, 404, 'MANIFEST_UNKNOWN', 'Requested image not found', {}, method);
        return { status: 404, principal };
      }
    }
    if (route.kind === 'manifest' && method === 'PUT') {
      return { status: await this.#putManifest(req, res, route), principal };
    }
    if (route.kind === 'upload-start' && method === 'POST' && url.searchParams.has('mount')) {
      return { ...(await this.#mount(req, res, url, route.name, auth)), principal };
    }
    if (route.kind === 'upload' && method === 'PATCH') {
      return { status: await this.#patch(req, res, route.uuid), principal };
    }
    if (route.kind === 'upload' && (method === 'PUT' || method === 'DELETE')) this.#firstRanges.delete(route.uuid);
    if (route.kind === 'blob' && method === 'GET' && this.#o.layerBucket) {
      return { status: await this.#redirectToBucket(req, res, route, this.#o.layerBucket), principal };
    }
    return { status: await this.#forward(req, res), principal };
  }

  #denied(token: RegistryToken, action: string, repository: string): string | undefined {
    const resource = this.#o.registry.repositoryArn(repository);
    const options = { sessionPolicies: token.caller.sessionPolicies, region: this.#o.region };
    const arn = token.caller.principal.arn;
    if (this.#o.iam.explain(arn, action, resource, options).decision === 'allow') return undefined;
    return this.#o.iam.accessDeniedMessage(arn, action, resource, options);
  }

  /** ECR answers a blob GET with 307 to the layer bucket once the blob is known to exist. */
  async #redirectToBucket(
    req: IncomingMessage,
    res: ServerResponse,
    route: Extract<Route, { kind: 'blob' }>,
    bucket: LayerBucket,
  ): Promise<number> {
    const head = await fetch(`${this.#o.distributionUrl}/v2/${route.name}/blobs/${route.digest}`, { method: 'HEAD' });
    if (head.status !== 200) return this.#forward(req, res);
    res.writeHead(307, {
      location: bucket.urlFor(route.name, route.digest),
      'content-length': '0',
      ...API_VERSION_HEADER,
    });
    res.end();
    return 307;
  }

  #forward(req: IncomingMessage, res: ServerResponse, path?: string): Promise<number> {
    return proxy(req, res, {
      upstream: this.#o.distributionUrl,
      frontHost: this.#o.host,
      ...(path !== undefined ? { path } : {}),
    });
  }

  async #putManifest(
    req: IncomingMessage,
    res: ServerResponse,
    route: Extract<Route, { kind: 'manifest' }>,
  ): Promise<number> {
    let body: Buffer;
    try {
      body = await readBody(req, 4 * 1024 * 1024);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      sendOciError(res, 413, 'SIZE_INVALID', 'The manifest is larger than 4 MiB.');
      return 413;
    }
    const contentType = req.headers['content-type'];
    try {
      const result = await this.#o.registry.putManifest(route.name, route.reference, body, {
        ...(contentType !== undefined ? { contentType } : {}),
      });
      const headers: Record<string, string> = {};
      result.headers.forEach((value, name) => {
        if (
          name !== 'connection' &&
          name !== 'keep-alive' &&
          name !== 'transfer-encoding' &&
          name !== 'content-length'
        ) {
          headers[name] = name === 'location' ? rewriteLocation(value, this.#o.distributionUrl, this.#o.host) : value;
        }
      });
      if (!result.ok) {
        res.writeHead(result.status, { ...headers, 'content-length': String(result.body.length) });
        res.end(result.body);
        return result.status;
      }
      const subject = subjectOf(body);
      if (subject !== undefined) headers['oci-subject'] = subject;
      res.writeHead(201, { ...headers, 'content-length': '0' });
      res.end();
      return 201;
    } catch (error) {
      if (error instanceof TagImmutableError) {
        sendOciError(res, 400, 'TAG_INVALID', error.message);
        return 400;
      }
      if (error instanceof ManifestRejectedError) {
        if (error.reason === 'media-type') {
          sendOciError(res, 405, 'UNSUPPORTED', error.message);
          return 405;
        }
        sendOciError(res, 400, 'MANIFEST_INVALID', error.message);
        return 400;
      }
      if (error instanceof ManifestReferenceError) {
        const code = error.reason === 'tag' ? 'TAG_INVALID' : 'DIGEST_INVALID';
        sendOciError(res, 400, code, error.message);
        return 400;
      }
      throw error;
    }
  }

  #referrers(res: ServerResponse, method: string, route: Extract<Route, { kind: 'referrers' }>, url: URL): number {
    const repo = this.#o.registry.getRepository(route.name);
    if (!repo) return 404;
    try {
      const { index, filtered } = referrersIndex(repo, route.digest, url.searchParams.get('artifactType'));
      const text = JSON.stringify(index);
      res.writeHead(200, {
        'content-type': OCI_INDEX,
        'content-length': String(Buffer.byteLength(text)),
        ...(filtered ? { 'oci-filters-applied': 'artifactType' } : {}),
        ...API_VERSION_HEADER,
      });
      res.end(method === 'HEAD' ? undefined : text);
      return 200;
    } catch (error) {
      if (!(error instanceof ReferrersRequestError)) throw error;
      sendOciError(res, 400, 'DIGEST_INVALID', error.message, {}, method);
      return 400;
    }
  }

  /**
   * ECR mounts a blob only when a manifest of the source repository references it (and the
   * caller may read that repository); otherwise it opens an upload session (202).
   */
  async #mount(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    name: string,
    token: RegistryToken,
  ): Promise<Handled> {
    const digest = url.searchParams.get('mount') ?? '';
    const from = url.searchParams.get('from') ?? '';
    const mountable =
      from !== '' &&
      this.#o.registry.getRepository(from) !== undefined &&
      this.#denied(token, 'ecr:GetDownloadUrlForLayer', from) === undefined &&
      this.#o.registry.isBlobReferenced(from, digest);
    if (mountable) {
      const status = await this.#forward(req, res);
      return { status, mounted: status === 201 };
    }
    const rest = new URLSearchParams(url.searchParams);
    rest.delete('mount');
    rest.delete('from');
    const query = rest.toString();
    const status = await this.#forward(req, res, `/v2/${name}/blobs/uploads/${query === '' ? '' : `?${query}`}`);
    return { status, mounted: false };
  }

  async #patch(req: IncomingMessage, res: ServerResponse, uuid: string): Promise<number> {
    return proxy(req, res, {
      upstream: this.#o.distributionUrl,
      frontHost: this.#o.host,
      rewrite: (answer) => {
        if (answer.status !== 202) return answer;
        const headers = { ...answer.headers };
        const first = this.#firstRanges.get(uuid);
        if (first === undefined) {
          if (this.#firstRanges.size > 10_000) this.#firstRanges.clear();
          if (typeof headers.range === 'string') this.#firstRanges.set(uuid, headers.range);
        } else {
          headers.range = first;
        }
        return { status: 201, headers };
      },
    });
  }
}
