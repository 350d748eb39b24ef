// Validation of the bodies of "create a deployment" and "create a deployment status", as strict
// as api.github.com: a missing or mistyped field is a 422 "Validation Failed" with `errors`.
import {
  DEPLOYMENT_DOCS,
  GithubApiError,
  type GithubFieldError,
  STATUS_DOCS,
  validationFailed,
} from './github-errors.ts';

export const DEPLOYMENT_STATES = [
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success',
] as const;
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];

export interface CreateDeploymentBody {
  ref: string;
  task: string;
  auto_merge: boolean;
  /** undefined: every context must pass (GitHub's default) */
  required_contexts: string[] | undefined;
  payload: Record<string, unknown> | string;
  environment: string;
  description: string | null;
  transient_environment: boolean;
  production_environment: boolean | undefined;
}

export interface CreateStatusBody {
  state: DeploymentState;
  target_url: string;
  log_url: string;
  description: string;
  environment: string | undefined;
  environment_url: string;
  auto_inactive: boolean;
}

type Kind = 'string' | 'boolean' | 'object' | 'string[]' | 'url';

function typeOk(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'url':
      return typeof value === 'string' && (value === '' || URL.canParse(value));
  }
}

class Checker {
  readonly errors: GithubFieldError[] = [];
  readonly body: Record<string, unknown>;
  readonly resource: string;
  constructor(body: unknown, resource: string, docs: string) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new GithubApiError(400, 'Problems parsing JSON', docs);
    }
    this.body = body as Record<string, unknown>;
    this.resource = resource;
  }
  field(name: string, kinds: Kind[], options: { required?: boolean; nullable?: boolean } = {}): unknown {
    const value = this.body[name];
    if (value === undefined) {
      if (options.required) this.errors.push({ resource: this.resource, code: 'missing_field', field: name });
      return undefined;
    }
    if (value === null && options.nullable) return null;
    if (!kinds.some((k) => typeOk(value, k))) {
      this.errors.push({
        resource: this.resource,
        code: 'invalid',
        field: name,
        message: `${name} is not ${kinds.map((k) => (k === 'string[]' ? 'an array of strings' : k === 'url' ? 'a URL' : `a ${k}`)).join(' or ')}`,
      });
      return undefined;
    }
    return value;
  }
}

export function parseCreateDeployment(body: unknown): CreateDeploymentBody {
  const c = new Checker(body, 'Deployment', DEPLOYMENT_DOCS);
  const ref = c.field('ref', ['string'], { required: true }) as string | undefined;
  if (ref === '') c.errors.push({ resource: 'Deployment', code: 'missing_field', field: 'ref' });
  const task = c.field('task', ['string']) as string | undefined;
  const autoMerge = c.field('auto_merge', ['boolean']) as boolean | undefined;
  const contexts = c.field('required_contexts', ['string[]']) as string[] | undefined;
  const payload = c.field('payload', ['object', 'string']) as Record<string, unknown> | string | undefined;
  const environment = c.field('environment', ['string']) as string | undefined;
  const description = c.field('description', ['string'], { nullable: true }) as string | null | undefined;
  const transient = c.field('transient_environment', ['boolean']) as boolean | undefined;
  const production = c.field('production_environment', ['boolean']) as boolean | undefined;
  if (typeof payload === 'string' && payload !== '') {
    try {
      JSON.parse(payload);
    } catch {
      c.errors.push({
        resource: 'Deployment',
        code: 'invalid',
        field: 'payload',
        message: 'payload is not valid JSON',
      });
    }
  }
  if (c.errors.length > 0) throw validationFailed(c.errors, DEPLOYMENT_DOCS);
  return {
    ref: ref ?? '',
    task: task ?? 'deploy',
    auto_merge: autoMerge ?? true,
    required_contexts: contexts,
    payload: payload ?? {},
    environment: environment ?? 'production',
    description: description ?? '',
    transient_environment: transient ?? false,
    production_environment: production,
  };
}

export function parseCreateStatus(body: unknown): CreateStatusBody {
  const c = new Checker(body, 'DeploymentStatus', STATUS_DOCS);
  const state = c.field('state', ['string'], { required: true }) as string | undefined;
  if (state !== undefined && !(DEPLOYMENT_STATES as readonly string[]).includes(state)) {
    c.errors.push({
      resource: 'DeploymentStatus',
      code: 'invalid',
      field: 'state',
      message: `state is not one of ${DEPLOYMENT_STATES.join(', ')}`,
    });
  }
  const targetUrl = c.field('target_url', ['url']) as string | undefined;
  const logUrl = c.field('log_url', ['url']) as string | undefined;
  const description = c.field('description', ['string']) as string | undefined;
  if (description !== undefined && description.length > 140) {
    c.errors.push({
      resource: 'DeploymentStatus',
      code: 'custom',
      field: 'description',
      message: 'description is too long (maximum is 140 characters)',
    });
  }
  const environment = c.field('environment', ['string']) as string | undefined;
  const environmentUrl = c.field('environment_url', ['url']) as string | undefined;
  const autoInactive = c.field('auto_inactive', ['boolean']) as boolean | undefined;
  if (c.errors.length > 0) throw validationFailed(c.errors, STATUS_DOCS);
  return {
    state: state as DeploymentState,
    // setting log_url sets target_url to the same value
    target_url: logUrl ?? targetUrl ?? '',
    log_url: logUrl ?? targetUrl ?? '',
    description: description ?? '',
    environment,
    environment_url: environmentUrl ?? '',
    auto_inactive: autoInactive ?? true,
  };
}
