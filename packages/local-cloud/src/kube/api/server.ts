// The HTTPS front of the Kubernetes API: authentication, authorization, discovery, and the REST
// verbs on the resources of resources.ts (list/watch/get/create/update/patch/delete/
// deletecollection, status/scale/log subresources, self reviews). Errors leave as `Status`.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { parse as parseYaml } from 'yaml';
import { AuthenticationFailed, type Authenticator } from '../auth/authenticate.ts';
import { forbiddenMessage } from '../auth/rbac.ts';
import { type RuleResolver, rulesReviewStatus } from '../auth/rules-review.ts';
import type { Authorizer, RequestAttributes, UserInfo } from '../auth/user.ts';
import { patchOptionsOf } from './apply/apply-options.ts';
import { managerFromUserAgent } from './apply/tracking.ts';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from './discovery.ts';
import {
  type DeleteOptions,
  type FieldValidation,
  type ObjectApi,
  PATCH_TYPES,
  type WriteOptions,
} from './object-api.ts';
import { buildOpenApiV3 } from './openapi.ts';
import { decodeProtobufBody, PROTOBUF_MEDIA_TYPE } from './protobuf/decode-body.ts';
import { type RequestInfo, requestInfo } from './request-info.ts';
import { apiVersionOf, findResource, type ResourceDef } from './resources.ts';
import { checkSchema, deleteOptionsSchema } from './schema.ts';
import {
  checkFieldSelector,
  matchesFields,
  matchesRequirements,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors.ts';
import {
  badRequest,
  internalError,
  KubeStatusError,
  methodNotAllowed,
  notFound,
  unauthorized,
  unsupportedMediaType,
} from './status.ts';
import { metaOf, type Obj } from './store.ts';
import { toTable, wantsTable } from './table.ts';
import { WatchStream } from './watch.ts';

export interface PodLogOptions {
  container: string;
  previous: boolean;
  tailLines?: number;
  timestamps: boolean;
  sinceSeconds?: number;
  limitBytes?: number;
  follow: boolean;
}

/** Reads a pod's container log (the kubelet implements it). */
export interface PodLogSource {
  read(pod: Obj, options: PodLogOptions, write: (chunk: string) => void, signal: AbortSignal): Promise<void>;
}

export interface KubeApiServerOptions {
  api: ObjectApi;
  authenticator: Authenticator;
  authorizer: Authorizer;
  /** the rules SelfSubjectRulesReview lists (default: none, incomplete) */
  rules?: RuleResolver;
  logs?: PodLogSource;
  tls: { certPem: string; keyPem: string; caPem: string };
  /** upper bound of a watch's life (default 300 s; a client's timeoutSeconds is capped to it) */
  maxWatchSeconds?: number;
  /** called once per request (method, path, status) for tests and debugging */
  onRequest?: (entry: RequestLogEntry) => void;
  /** called before an update or patch is applied (a test's concurrent writer goes here) */
  beforeWrite?: (write: PendingWrite) => void;
}

export interface PendingWrite {
  verb: 'update' | 'patch';
  def: ResourceDef;
  namespace: string | undefined;
  name: string;
  subresource: string;
  user: UserInfo;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  user: string;
  status: number;
  contentType?: string;
}

const MAX_BODY = 3 * 1024 * 1024;

function send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': String(Buffer.byteLength(text)),
    'Audit-Id': randomUUID(),
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) {
      throw new KubeStatusError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseBody(raw: Buffer, contentType: string | undefined, kind: string): unknown {
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  const type = (contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? '';
  // kubectl's typed clients (create, auth can-i, auth whoami) send protobuf.
  if (type === PROTOBUF_MEDIA_TYPE) return decodeProtobufBody(raw, kind);
  if (type.includes('protobuf') || type.includes('cbor')) {
    throw unsupportedMediaType(type, ['application/json', 'application/yaml', PROTOBUF_MEDIA_TYPE, ...PATCH_TYPES]);
  }
  try {
    if (type === 'application/yaml' || type === 'application/apply-patch+yaml') return parseYaml(text);
    return JSON.parse(text);
  } catch (error: unknown) {
    throw badRequest(
      `the request body is not valid ${type === 'application/yaml' ? 'YAML' : 'JSON'}: ${(error as Error).message}`,
    );
  }
}

function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation parameter unsupported value: ${v}, allowed values are: Ignore, Warn, Strict`);
}

function writeOptionsOf(query: URLSearchParams, requester: UserInfo, userAgent?: string): WriteOptions {
  const dryRun = query.getAll('dryRun');
  for (const d of dryRun) {
    if (d !== 'All') throw badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  }
  const fieldManager = query.get('fieldManager') || managerFromUserAgent(userAgent);
  return { fieldValidation: fieldValidationOf(query), dryRun: dryRun.length > 0, requester, fieldManager };
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`${name}: invalid value "${v}": expected an integer`);
  return Number(v);
}

export class KubeApiServer {
  readonly #options: KubeApiServerOptions;
  readonly #server: Server;
  readonly #watches = new Set<WatchStream>();
  readonly #aborts = new Set<AbortController>();
  readonly #openapi = buildOpenApiV3();
  #port = 0;

  constructor(options: KubeApiServerOptions) {
    this.#options = options;
    this.#server = createServer(
      {
        cert: options.tls.certPem,
        key: options.tls.keyPem,
        ca: options.tls.caPem,
        requestCert: true,
        rejectUnauthorized: false,
      },
      (req, res) => {
        this.#handle(req, res).catch((error: unknown) => {
          send(res, 500, internalError(error instanceof Error ? error.message : String(error)).status);
        });
      },
    );
  }

  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = this.#server.address();
    this.#port = typeof address === 'object' && address ? address.port : 0;
    return this.#port;
  }

  get port(): number {
    return this.#port;
  }

  /** Cuts every open watch connection; returns how many there were. */
  dropWatches(): number {
    const open = [...this.#watches];
    for (const w of open) w.drop();
    return open.length;
  }

  async stop(): Promise<void> {
    for (const w of this.#watches) w.stop();
    for (const a of this.#aborts) a.abort();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const method = req.method ?? 'GET';
    let user: UserInfo = { username: '', groups: [] };
    const log = (status: number) =>
      this.#options.onRequest?.({
        method,
        path: url.pathname,
        query: url.search,
        user: user.username,
        status,
        ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
      });
    try {
      try {
        user = await this.#options.authenticator.authenticate(req);
      } catch (error: unknown) {
        if (error instanceof AuthenticationFailed) throw unauthorized();
        throw error;
      }
      const info = requestInfo(method, url.pathname, url.searchParams);
      const attributes: RequestAttributes = { user, ...info };
      const decision = this.#options.authorizer.authorize(attributes);
      if (!decision.allowed) {
        throw new KubeStatusError(403, 'Forbidden', forbiddenMessage(attributes), {
          ...(info.resourceRequest ? { name: info.name, group: info.group, kind: info.resource } : {}),
        });
      }
      const status = info.resourceRequest
        ? await this.#resource(req, res, url, info, user)
        : this.#nonResource(res, url.pathname, method);
      log(status);
    } catch (error: unknown) {
      const e =
        error instanceof KubeStatusError
          ? error
          : internalError(error instanceof Error ? error.message : String(error));
      send(res, e.code, e.status);
      log(e.code);
    }
  }

  #nonResource(res: ServerResponse, path: string, method: string): number {
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed();
    const p = path.replace(/\/+$/, '') || '/';
    if (p === '/version') return this.#ok(res, SERVER_VERSION);
    if (p === '/healthz' || p === '/livez' || p === '/readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return 200;
    }
    if (p === '/api') return this.#ok(res, apiVersions(`127.0.0.1:${this.#port}`));
    if (p === '/openapi/v3') return this.#ok(res, this.#openapi.index);
    const doc = p.startsWith('/openapi/v3/') ? this.#openapi.documents.get(p.slice('/openapi/v3/'.length)) : undefined;
    if (doc !== undefined) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'public, immutable' });
      res.end(doc);
      return 200;
    }
    if (p === '/apis') return this.#ok(res, apiGroupList());
    const core = /^\/api\/([^/]+)$/.exec(p);
    if (core?.[1]) {
      const list = apiResourceList('', core[1]);
      if (list) return this.#ok(res, list);
    }
    const grp = /^\/apis\/([^/]+)$/.exec(p);
    if (grp?.[1]) {
      const g = apiGroup(grp[1]);
      if (g) return this.#ok(res, g);
    }
    const gv = /^\/apis\/([^/]+)\/([^/]+)$/.exec(p);
    if (gv?.[1] && gv[2]) {
      const list = apiResourceList(gv[1], gv[2]);
      if (list) return this.#ok(res, list);
    }
    throw new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  }

  #ok(res: ServerResponse, body: unknown, code = 200, warnings: string[] = []): number {
    const headers: Record<string, string> = {};
    if (warnings.length > 0) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');
    send(res, code, body, headers);
    return code;
  }

  async #resource(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    info: RequestInfo,
    user: UserInfo,
  ): Promise<number> {
    const def = findResource(info.group, info.version, info.resource);
    if (!def) throw new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    const query = url.searchParams;
    const api = this.#options.api;
    const namespace = def.namespaced ? info.namespace || undefined : undefined;
    const method = req.method ?? 'GET';
    const agent = req.headers['user-agent'];
    if (def.namespaced && info.name !== '' && !namespace) {
      throw new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    }
    if (!def.namespaced && info.namespace !== '' && def.resource !== 'namespaces') {
      throw new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    }
    if (info.subresource !== '' && !def.subresources.includes(info.subresource)) {
      throw new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    }
    const body =
      method === 'GET' || method === 'HEAD'
        ? undefined
        : parseBody(await readBody(req), req.headers['content-type'], def.kind);

    if (def.virtual) {
      if (method !== 'POST' || info.name !== '') throw methodNotAllowed();
      return this.#ok(res, this.#review(def, body, user, query), 201);
    }

    if (info.subresource === 'log') return this.#log(req, res, def, namespace ?? '', info.name, query);
    if (info.subresource === 'scale') {
      if (method === 'GET') return this.#ok(res, api.scaleOf(def, namespace ?? '', info.name));
      if (method === 'PUT')
        return this.#ok(
          res,
          api.writeScale(def, namespace ?? '', info.name, body, undefined, writeOptionsOf(query, user, agent)),
        );
      if (method === 'PATCH') {
        return this.#ok(
          res,
          api.writeScale(
            def,
            namespace ?? '',
            info.name,
            body,
            req.headers['content-type'] ?? '',
            writeOptionsOf(query, user, agent),
          ),
        );
      }
      throw methodNotAllowed();
    }
    const sub = info.subresource === 'status' ? 'status' : undefined;

    switch (info.verb) {
      case 'get':
        return this.#ok(res, this.#present(req, def, [api.store.mustGet(def, namespace, info.name)], false));
      case 'list':
        return this.#ok(res, this.#present(req, def, this.#list(def, namespace, query), true));
      case 'watch':
        return this.#watch(res, def, namespace, info.name, query);
      case 'create': {
        if (info.name !== '') throw methodNotAllowed();
        const { object, warnings } = api.create(def, namespace, body, writeOptionsOf(query, user, agent));
        return this.#ok(res, object, 201, warnings);
      }
      case 'update': {
        this.#options.beforeWrite?.({
          verb: 'update',
          def,
          namespace,
          name: info.name,
          subresource: info.subresource,
          user,
        });
        const { object, warnings } = api.update(
          def,
          namespace,
          info.name,
          body,
          writeOptionsOf(query, user, agent),
          sub,
        );
        return this.#ok(res, object, 200, warnings);
      }
      case 'patch': {
        const patchOptions = patchOptionsOf(query, req.headers['content-type']);
        this.#options.beforeWrite?.({
          verb: 'patch',
          def,
          namespace,
          name: info.name,
          subresource: info.subresource,
          user,
        });
        if (patchOptions.apply && sub === undefined) {
          const applied = api.apply(def, namespace, info.name, body, {
            ...writeOptionsOf(query, user, agent),
            fieldManager: patchOptions.fieldManager ?? '',
            force: patchOptions.force,
          });
          return this.#ok(res, applied.object, applied.created ? 201 : 200, applied.warnings);
        }
        const { object, warnings } = api.patch(
          def,
          namespace,
          info.name,
          req.headers['content-type'] ?? '',
          body,
          writeOptionsOf(query, user, agent),
          sub,
        );
        return this.#ok(res, object, 200, warnings);
      }
      case 'delete':
        return this.#ok(res, api.delete(def, namespace, info.name, this.#deleteOptions(body, query)));
      case 'deletecollection': {
        const options = this.#deleteOptions(body, query);
        const items = this.#list(def, namespace, query);
        for (const o of items) {
          try {
            api.delete(def, metaOf(o).namespace, metaOf(o).name, options);
          } catch (error: unknown) {
            if (!(error instanceof KubeStatusError && error.code === 404)) throw error;
          }
        }
        return this.#ok(res, {
          kind: `${def.kind}List`,
          apiVersion: apiVersionOf(def),
          metadata: { resourceVersion: api.store.resourceVersion },
          items,
        });
      }
      default:
        throw methodNotAllowed();
    }
  }

  #list(def: ResourceDef, namespace: string | undefined, query: URLSearchParams): Obj[] {
    const labels = parseLabelSelector(query.get('labelSelector') ?? '');
    const fields = parseFieldSelector(query.get('fieldSelector') ?? '');
    checkFieldSelector(def.resource, fields);
    return this.#options.api.store.list(
      def,
      namespace,
      (o) => matchesRequirements(metaOf(o).labels, labels) && matchesFields(o, fields),
    );
  }

  #present(req: IncomingMessage, def: ResourceDef, objects: Obj[], asList: boolean): unknown {
    const rv = this.#options.api.store.resourceVersion;
    if (wantsTable(req.headers.accept)) return toTable(def, objects, rv, this.#options.api.store.now());
    if (!asList) return objects[0];
    return {
      kind: `${def.kind}List`,
      apiVersion: apiVersionOf(def),
      metadata: { resourceVersion: rv },
      items: objects,
    };
  }

  #watch(
    res: ServerResponse,
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    query: URLSearchParams,
  ): number {
    const labels = parseLabelSelector(query.get('labelSelector') ?? '');
    const fields = parseFieldSelector(query.get('fieldSelector') ?? '');
    checkFieldSelector(def.resource, fields);
    if (name !== '') fields.push({ field: 'metadata.name', op: '=', value: name });
    const max = this.#options.maxWatchSeconds ?? 300;
    const requested = intParam(query, 'timeoutSeconds');
    const seconds = requested !== undefined && requested > 0 ? Math.min(requested, max) : max;
    const stream = new WatchStream(res, this.#options.api.store, {
      def,
      namespace,
      labels,
      fields,
      resourceVersion: query.get('resourceVersion') ?? undefined,
      timeoutMs: seconds * 1000,
      sendInitialEvents: query.get('sendInitialEvents') === 'true',
      allowBookmarks: query.get('allowWatchBookmarks') === 'true',
    });
    this.#watches.add(stream);
    void stream.done.then(() => this.#watches.delete(stream));
    stream.start();
    return 200;
  }

  #deleteOptions(body: unknown, query: URLSearchParams): DeleteOptions {
    const options: DeleteOptions = {};
    if (body !== undefined) {
      const problems = checkSchema(deleteOptionsSchema, body, true);
      if (problems.typeErrors[0]) throw badRequest(problems.typeErrors[0]);
      const b = body as {
        gracePeriodSeconds?: number;
        propagationPolicy?: string;
        orphanDependents?: boolean;
        preconditions?: { uid?: string; resourceVersion?: string };
      };
      if (b.gracePeriodSeconds !== undefined) options.gracePeriodSeconds = b.gracePeriodSeconds;
      if (b.propagationPolicy !== undefined)
        options.propagationPolicy = b.propagationPolicy as NonNullable<DeleteOptions['propagationPolicy']>;
      if (b.orphanDependents === true) options.propagationPolicy = 'Orphan';
      if (b.preconditions) options.preconditions = b.preconditions;
    }
    const grace = intParam(query, 'gracePeriodSeconds');
    if (grace !== undefined) options.gracePeriodSeconds = grace;
    const policy = query.get('propagationPolicy');
    if (policy) options.propagationPolicy = policy as NonNullable<DeleteOptions['propagationPolicy']>;
    if (options.propagationPolicy && !['Background', 'Foreground', 'Orphan'].includes(options.propagationPolicy)) {
      throw badRequest(
        `propagationPolicy: Unsupported value: "${options.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`,
      );
    }
    return options;
  }

  #review(def: ResourceDef, body: unknown, user: UserInfo, query: URLSearchParams): Obj {
    const { object } = this.#options.api.validateVirtual(def, body, { fieldValidation: fieldValidationOf(query) });
    if (def.kind === 'SelfSubjectReview') {
      return { ...object, metadata: { creationTimestamp: null }, status: { userInfo: user } };
    }
    if (def.kind === 'SelfSubjectRulesReview') {
      const namespace = ((object.spec ?? {}) as { namespace?: string }).namespace ?? '';
      if (namespace === '') throw badRequest('no namespace on request');
      const resolution = this.#options.rules?.rulesFor(user, namespace) ?? { rules: [], incomplete: true, errors: [] };
      return { ...object, metadata: { creationTimestamp: null }, status: rulesReviewStatus(resolution) };
    }
    const spec = (object.spec ?? {}) as {
      resourceAttributes?: {
        namespace?: string;
        verb?: string;
        group?: string;
        version?: string;
        resource?: string;
        subresource?: string;
        name?: string;
      };
      nonResourceAttributes?: { path?: string; verb?: string };
    };
    const r = spec.resourceAttributes;
    const n = spec.nonResourceAttributes;
    if ((r && n) || (!r && !n)) {
      throw new KubeStatusError(
        422,
        'Invalid',
        `SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified`,
      );
    }
    const attributes: RequestAttributes = r
      ? {
          user,
          resourceRequest: true,
          path: '',
          verb: r.verb ?? '',
          group: r.group ?? '',
          version: r.version ?? '',
          resource: r.resource ?? '',
          subresource: r.subresource ?? '',
          namespace: r.namespace ?? '',
          name: r.name ?? '',
        }
      : {
          user,
          resourceRequest: false,
          path: n?.path ?? '',
          verb: n?.verb ?? '',
          group: '',
          version: '',
          resource: '',
          subresource: '',
          namespace: '',
          name: '',
        };
    const decision = this.#options.authorizer.authorize(attributes);
    return {
      ...object,
      metadata: { creationTimestamp: null },
      status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) },
    };
  }

  async #log(
    req: IncomingMessage,
    res: ServerResponse,
    def: ResourceDef,
    namespace: string,
    name: string,
    query: URLSearchParams,
  ): Promise<number> {
    if (req.method !== 'GET') throw methodNotAllowed();
    const pod = this.#options.api.store.mustGet(def, namespace, name);
    const containers = (((pod.spec as Obj).containers as { name: string }[] | undefined) ?? []).map((c) => c.name);
    let container = query.get('container') ?? '';
    if (container === '') {
      if (containers.length !== 1) {
        throw badRequest(
          `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`,
        );
      }
      container = containers[0] ?? '';
    } else if (!containers.includes(container)) {
      throw badRequest(`container ${container} is not valid for pod ${name}`);
    }
    const logs = this.#options.logs;
    if (!logs) throw notFound('pods/log', '', name);
    const tailLines = intParam(query, 'tailLines');
    const sinceSeconds = intParam(query, 'sinceSeconds');
    const limitBytes = intParam(query, 'limitBytes');
    const options: PodLogOptions = {
      container,
      previous: query.get('previous') === 'true',
      timestamps: query.get('timestamps') === 'true',
      follow: query.get('follow') === 'true',
      ...(tailLines !== undefined ? { tailLines } : {}),
      ...(sinceSeconds !== undefined ? { sinceSeconds } : {}),
      ...(limitBytes !== undefined ? { limitBytes } : {}),
    };
    const abort = new AbortController();
    this.#aborts.add(abort);
    res.once('close', () => abort.abort());
    const timer = setTimeout(() => abort.abort(), (this.#options.maxWatchSeconds ?? 300) * 1000);
    let started = false;
    try {
      await logs.read(
        pod,
        options,
        (chunk) => {
          if (!started) {
            res.writeHead(200, {
              'Content-Type': 'text/plain',
              'Cache-Control': 'no-cache, private',
              'Transfer-Encoding': 'chunked',
            });
            started = true;
          }
          if (!res.writableEnded) res.write(chunk);
        },
        abort.signal,
      );
      if (!started) res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '0' });
      res.end();
      return 200;
    } finally {
      clearTimeout(timer);
      this.#aborts.delete(abort);
    }
  }
}
