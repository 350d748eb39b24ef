// A strict local stand-in of GitHub's deployments REST API (deployments and deployment statuses)
// on 127.0.0.1, for tests of actions that report to GitHub: it checks the bearer token, the
// User-Agent and X-GitHub-Api-Version headers, the repository, every field's presence and type,
// the refs it knows and the status states, answers in api.github.com's shapes, and records
// deployments, statuses and requests for assertions.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, listen, readBody, type StartedServer, sendJson } from '../http/server.ts';
import { ATTESTATIONS_DOCS, type GithubAttestations } from './attestations-api.ts';
import {
  DEPLOYMENT_DOCS,
  DOCS,
  GithubApiError,
  type GithubErrorBody,
  STATUS_DOCS,
  sendGithubError,
} from './github-errors.ts';
import {
  type CreateDeploymentBody,
  type CreateStatusBody,
  type DeploymentState,
  parseCreateDeployment,
  parseCreateStatus,
} from './request-bodies.ts';

export const SUPPORTED_API_VERSIONS = ['2022-11-28', '2026-03-10'];

export interface GithubDeploymentsApiOptions {
  /** `owner/name` of the only repository served. */
  repository: string;
  /** The token a request must carry (`Authorization: Bearer <token>` or `token <token>`). */
  token: string;
  /** Tokens that authenticate but may not write deployments (403 "Resource not accessible by integration"). */
  readOnlyTokens?: string[];
  /** Commit SHAs of the repository (a `ref` naming another SHA is a 422 "No ref found for"). */
  commits?: string[];
  /** Branches and tags: name -> commit SHA. */
  refs?: Record<string, string>;
  /** Commit status contexts and their states on every commit: without `required_contexts` all must be `success`. */
  statusContexts?: Record<string, 'success' | 'failure' | 'pending' | 'error'>;
  /** The default branch has commits a branch ref lacks: with auto_merge GitHub merges (202) or cannot (409). */
  defaultBranchAhead?: 'merges' | 'conflicts';
  defaultBranch?: string;
  /** Also serve GitHub's attestations API for the repository, from this store. */
  attestations?: GithubAttestations;
  onError?: (error: unknown) => void;
}

export interface DeploymentRecord extends CreateDeploymentBody {
  id: number;
  sha: string;
  created_at: string;
}

export interface StatusRecord extends CreateStatusBody {
  id: number;
  deployment_id: number;
  created_at: string;
}

export interface GithubRequestRecord {
  method: string;
  path: string;
  status: number;
  /** `Bearer`, `token` or `` (the token itself is never recorded) */
  authScheme: string;
  accept: string;
  apiVersion: string;
  userAgent: string;
  body: unknown;
}

export type GithubRoute = 'create-deployment' | 'create-status';

export interface GithubDeploymentsApi {
  /** `http://127.0.0.1:<port>`, the value of GITHUB_API_URL */
  url: string;
  deployments(): DeploymentRecord[];
  statuses(deploymentId: number): StatusRecord[];
  requests(): GithubRequestRecord[];
  /** The next `times` requests to `route` fail with `status` (5xx: a server error). */
  failNext(route: GithubRoute, status: number, times?: number): void;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
const CREATOR = { login: 'github-actions[bot]', id: 41898282, type: 'Bot', site_admin: false };

interface Fault {
  route: GithubRoute;
  status: number;
  times: number;
}

function bearer(header: string | undefined): { scheme: string; token: string } {
  const match = /^(Bearer|token)\s+(\S+)$/i.exec(header ?? '');
  return match ? { scheme: match[1] ?? '', token: match[2] ?? '' } : { scheme: '', token: '' };
}

export async function startGithubDeploymentsApi(options: GithubDeploymentsApiOptions): Promise<GithubDeploymentsApi> {
  const deployments: DeploymentRecord[] = [];
  const statuses: StatusRecord[] = [];
  const requests: GithubRequestRecord[] = [];
  const faults: Fault[] = [];
  const commits = new Set((options.commits ?? []).map((c) => c.toLowerCase()));
  const refs = new Map(Object.entries(options.refs ?? {}));
  const [owner, repo] = options.repository.split('/');
  let ids = 0;
  let server: StartedServer | undefined;
  const base = () => `${server?.url ?? ''}/repos/${options.repository}`;

  const deploymentJson = (d: DeploymentRecord) => ({
    url: `${base()}/deployments/${d.id}`,
    id: d.id,
    node_id: Buffer.from(`Deployment${d.id}`).toString('base64'),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: CREATOR,
    created_at: d.created_at,
    updated_at: d.created_at,
    statuses_url: `${base()}/deployments/${d.id}/statuses`,
    repository_url: base(),
    transient_environment: d.transient_environment,
    production_environment: d.production_environment ?? d.environment === 'production',
  });
  const statusJson = (s: StatusRecord) => ({
    url: `${base()}/deployments/${s.deployment_id}/statuses/${s.id}`,
    id: s.id,
    node_id: Buffer.from(`DeploymentStatus${s.id}`).toString('base64'),
    state: s.state,
    creator: CREATOR,
    description: s.description,
    environment: s.environment ?? deployments.find((d) => d.id === s.deployment_id)?.environment ?? '',
    target_url: s.target_url,
    log_url: s.log_url,
    environment_url: s.environment_url,
    created_at: s.created_at,
    updated_at: s.created_at,
    deployment_url: `${base()}/deployments/${s.deployment_id}`,
    repository_url: base(),
  });
  const latestState = (id: number): DeploymentState | undefined =>
    statuses.filter((s) => s.deployment_id === id).at(-1)?.state;

  const takeFault = (route: GithubRoute): Fault | undefined => {
    const fault = faults.find((f) => f.route === route && f.times > 0);
    if (fault) fault.times--;
    return fault;
  };

  const resolveRef = (ref: string): string => {
    const named = refs.get(ref) ?? refs.get(ref.replace(/^refs\/(heads|tags)\//, ''));
    if (named) return named;
    if (/^[0-9a-f]{40}$/i.test(ref) && commits.has(ref.toLowerCase())) return ref.toLowerCase();
    throw new GithubApiError(422, `No ref found for: ${ref}`, DEPLOYMENT_DOCS);
  };

  const createDeployment = (body: CreateDeploymentBody): { status: number; json: unknown } => {
    const sha = resolveRef(body.ref);
    const isBranch = refs.has(body.ref);
    if (isBranch && body.auto_merge && options.defaultBranchAhead === 'conflicts') {
      throw new GithubApiError(
        409,
        `Conflict merging ${options.defaultBranch ?? 'main'} into ${body.ref}.`,
        DEPLOYMENT_DOCS,
      );
    }
    if (isBranch && body.auto_merge && options.defaultBranchAhead === 'merges') {
      return {
        status: 202,
        json: { message: `Auto-merged ${options.defaultBranch ?? 'main'} into ${body.ref} on deployment.` },
      };
    }
    const contexts = options.statusContexts ?? {};
    const required = body.required_contexts ?? Object.keys(contexts);
    const notPassing = required
      .map((context) => ({ context, state: contexts[context] ?? 'missing' }))
      .filter((c) => c.state !== 'success');
    if (notPassing.length > 0) {
      throw new GithubApiError(409, `Conflict: Commit status checks failed for ${body.ref}.`, DEPLOYMENT_DOCS, [
        { resource: 'Deployment', code: 'invalid', field: 'required_contexts', contexts: notPassing },
      ]);
    }
    const record: DeploymentRecord = { ...body, id: ++ids, sha, created_at: new Date().toISOString() };
    deployments.push(record);
    return { status: 201, json: deploymentJson(record) };
  };

  const createStatus = (deployment: DeploymentRecord, body: CreateStatusBody): unknown => {
    const at = new Date().toISOString();
    const record: StatusRecord = { ...body, id: ++ids, deployment_id: deployment.id, created_at: at };
    statuses.push(record);
    const production = deployment.production_environment ?? deployment.environment === 'production';
    if (body.state === 'success' && body.auto_inactive) {
      for (const prior of deployments) {
        const priorProduction = prior.production_environment ?? prior.environment === 'production';
        if (
          prior.id !== deployment.id &&
          prior.environment === deployment.environment &&
          !prior.transient_environment &&
          !priorProduction &&
          !production &&
          latestState(prior.id) === 'success'
        ) {
          statuses.push({
            ...body,
            state: 'inactive',
            description: '',
            id: ++ids,
            deployment_id: prior.id,
            created_at: at,
          });
        }
      }
    }
    return statusJson(record);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, record: GithubRequestRecord): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, json: unknown) => {
      record.status = status;
      sendJson(res, status, json, {
        'x-github-media-type': 'github.v3; format=json',
        'x-github-api-version-selected': '2022-11-28',
      });
    };
    try {
      if (!record.userAgent) {
        throw new GithubApiError(
          403,
          'Request forbidden by administrative rules. Please make sure your request has a User-Agent header',
          'https://docs.github.com/rest/overview/resources-in-the-rest-api#user-agent-required',
        );
      }
      if (record.apiVersion && !SUPPORTED_API_VERSIONS.includes(record.apiVersion)) {
        throw new GithubApiError(
          400,
          `API version '${record.apiVersion}' is not supported.`,
          'https://docs.github.com/rest/overview/api-versions',
        );
      }
      const auth = bearer(req.headers.authorization);
      if (!auth.token) throw new GithubApiError(401, 'Requires authentication', DOCS);
      const readOnly = (options.readOnlyTokens ?? []).includes(auth.token);
      if (auth.token !== options.token && !readOnly) throw new GithubApiError(401, 'Bad credentials', DOCS);
      if (options.attestations && /^\/repos\/[^/]+\/[^/]+\/attestations(\/|$)/.test(url.pathname)) {
        await serveAttestations(options.attestations, req, url, readOnly, record, reply);
        return;
      }
      const match = /^\/repos\/([^/]+)\/([^/]+)\/deployments(?:\/(\d+)(\/statuses)?)?\/?$/.exec(url.pathname);
      if (
        !match ||
        match[1]?.toLowerCase() !== owner?.toLowerCase() ||
        match[2]?.toLowerCase() !== repo?.toLowerCase()
      ) {
        throw new GithubApiError(404, 'Not Found', DOCS);
      }
      const deploymentId = match[3] === undefined ? undefined : Number(match[3]);
      const deployment = deploymentId === undefined ? undefined : deployments.find((d) => d.id === deploymentId);
      if (deploymentId !== undefined && !deployment) throw new GithubApiError(404, 'Not Found', DOCS);
      const onStatuses = match[4] !== undefined;
      const method = req.method ?? 'GET';
      if (method === 'GET') {
        if (deployment && onStatuses) {
          reply(
            200,
            statuses
              .filter((s) => s.deployment_id === deployment.id)
              .reverse()
              .map(statusJson),
          );
        } else if (deployment) {
          reply(200, deploymentJson(deployment));
        } else {
          const environment = url.searchParams.get('environment');
          const sha = url.searchParams.get('sha');
          reply(
            200,
            deployments
              .filter((d) => (environment === null || d.environment === environment) && (sha === null || d.sha === sha))
              .reverse()
              .map(deploymentJson),
          );
        }
        return;
      }
      if (method !== 'POST' || (deployment && !onStatuses)) throw new GithubApiError(404, 'Not Found', DOCS);
      if (readOnly)
        throw new GithubApiError(
          403,
          'Resource not accessible by integration',
          deployment ? STATUS_DOCS : DEPLOYMENT_DOCS,
        );
      const route: GithubRoute = deployment ? 'create-status' : 'create-deployment';
      const text = (await readBody(req, MAX_BODY)).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new GithubApiError(400, 'Problems parsing JSON', deployment ? STATUS_DOCS : DEPLOYMENT_DOCS);
      }
      record.body = body;
      const fault = takeFault(route);
      if (fault) throw new GithubApiError(fault.status, fault.status >= 500 ? 'Server Error' : 'Injected fault', DOCS);
      if (deployment) {
        reply(201, createStatus(deployment, parseCreateStatus(body)));
      } else {
        const created = createDeployment(parseCreateDeployment(body));
        reply(created.status, created.json);
      }
    } catch (error: unknown) {
      if (error instanceof BodyTooLargeError) {
        record.status = 413;
        sendGithubError(res, new GithubApiError(413, 'Payload Too Large', DOCS));
        return;
      }
      if (!(error instanceof GithubApiError)) throw error;
      record.status = error.status;
      sendGithubError(res, error);
    }
  };

  const serveAttestations = async (
    store: GithubAttestations,
    req: IncomingMessage,
    url: URL,
    readOnly: boolean,
    record: GithubRequestRecord,
    reply: (status: number, json: unknown) => void,
  ): Promise<void> => {
    const match = /^\/repos\/([^/]+)\/([^/]+)\/attestations(?:\/([^/]+))?\/?$/.exec(url.pathname);
    if (!match || `${match[1]}/${match[2]}`.toLowerCase() !== options.repository.toLowerCase()) {
      throw new GithubApiError(404, 'Not Found', DOCS);
    }
    const digest = match[3] === undefined ? undefined : decodeURIComponent(match[3]);
    if (req.method === 'GET' && digest !== undefined) {
      reply(200, store.list(digest, url.searchParams, base()));
      return;
    }
    if (req.method !== 'POST' || digest !== undefined) throw new GithubApiError(404, 'Not Found', DOCS);
    if (readOnly) throw new GithubApiError(403, 'Resource not accessible by integration', ATTESTATIONS_DOCS);
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, 8 * MAX_BODY)).toString('utf8'));
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw error;
      throw new GithubApiError(400, 'Problems parsing JSON', ATTESTATIONS_DOCS);
    }
    record.body = { bundle: '(bundle)' };
    reply(201, store.create(body));
  };

  server = await listen(
    async (req, res) => {
      const record: GithubRequestRecord = {
        method: req.method ?? '',
        path: req.url ?? '',
        status: 0,
        authScheme: bearer(req.headers.authorization).scheme,
        accept: req.headers.accept ?? '',
        apiVersion: String(req.headers['x-github-api-version'] ?? ''),
        userAgent: req.headers['user-agent'] ?? '',
        body: undefined,
      };
      requests.push(record);
      await handle(req, res, record);
    },
    options.onError ? { onError: options.onError } : {},
  );
  const started = server;
  return {
    url: started.url,
    deployments: () => deployments.map((d) => ({ ...d })),
    statuses: (id) => statuses.filter((s) => s.deployment_id === id).map((s) => ({ ...s })),
    requests: () => requests.map((r) => ({ ...r })),
    failNext: (route, status, times = 1) => {
      faults.push({ route, status, times });
    },
    close: () => started.close(),
  };
}

export type { GithubErrorBody };
