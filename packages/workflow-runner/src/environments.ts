// GitHub environments from a local file: repository-level `vars` and `secrets`, and per
// environment its `vars`, `secrets`, protection rules and deployment branch policy. A job in an
// environment with protection rules runs only when approved (`--approve <env>`), else it is refused.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { matchesFilter } from './ref-filter.ts';

export interface EnvironmentSpec {
  name: string;
  url?: string;
  vars: Record<string, string>;
  secrets: Record<string, string>;
  requiredReviewers: string[];
  waitTimerMinutes: number;
  deploymentBranches?: string[];
  deploymentTags?: string[];
}

export interface EnvironmentsConfig {
  vars: Record<string, string>;
  secrets: Record<string, string>;
  environments: Map<string, EnvironmentSpec>;
}

export class EnvironmentRefused extends Error {
  readonly environment: string;
  constructor(environment: string, message: string) {
    super(message);
    this.name = 'EnvironmentRefused';
    this.environment = environment;
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(where: string, value: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      throw new Error(`${where}: unknown key '${key}' (expected one of ${allowed.join(', ')})`);
  }
}

function stringMap(where: string, value: unknown, kind: 'vars' | 'secrets'): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new Error(`${where}: expected a mapping of names to values`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!NAME.test(k) || /^GITHUB_/i.test(k)) {
      throw new Error(`${where}: name '${k}' is not valid for ${kind} (letters, digits, _; not starting with GITHUB_)`);
    }
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new Error(`${where}.${k}: expected a string, got ${JSON.stringify(v)}`);
    }
    out[k] = String(v);
  }
  return out;
}

function stringList(where: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new Error(`${where}: expected a list of strings`);
  }
  return value;
}

/** Parses the environments file text (YAML or JSON). `source` names it in messages. */
export function parseEnvironments(text: string, source: string): EnvironmentsConfig {
  const doc: unknown = parse(text) ?? {};
  if (!isRecord(doc)) throw new Error(`${source}: expected a mapping at the top level`);
  checkKeys(source, doc, ['vars', 'secrets', 'environments']);
  const config: EnvironmentsConfig = {
    vars: stringMap(`${source}: vars`, doc.vars, 'vars'),
    secrets: stringMap(`${source}: secrets`, doc.secrets, 'secrets'),
    environments: new Map(),
  };
  const envs = doc.environments ?? {};
  if (!isRecord(envs)) throw new Error(`${source}: environments: expected a mapping of environment names`);
  for (const [name, raw] of Object.entries(envs)) {
    const where = `${source}: environments.${name}`;
    const body = raw ?? {};
    if (!isRecord(body)) throw new Error(`${where}: expected a mapping`);
    checkKeys(where, body, ['url', 'vars', 'secrets', 'protection-rules', 'deployment-branches', 'deployment-tags']);
    const rules = body['protection-rules'] ?? {};
    if (!isRecord(rules)) throw new Error(`${where}.protection-rules: expected a mapping`);
    checkKeys(`${where}.protection-rules`, rules, ['required-reviewers', 'wait-timer']);
    const wait = rules['wait-timer'] ?? 0;
    if (typeof wait !== 'number' || !Number.isInteger(wait) || wait < 0 || wait > 43200) {
      throw new Error(
        `${where}.protection-rules.wait-timer: expected whole minutes 0..43200, got ${JSON.stringify(wait)}`,
      );
    }
    const env: EnvironmentSpec = {
      name,
      vars: stringMap(`${where}.vars`, body.vars, 'vars'),
      secrets: stringMap(`${where}.secrets`, body.secrets, 'secrets'),
      requiredReviewers: stringList(`${where}.protection-rules.required-reviewers`, rules['required-reviewers']) ?? [],
      waitTimerMinutes: wait,
    };
    if (typeof body.url === 'string') env.url = body.url;
    else if (body.url !== undefined) throw new Error(`${where}.url: expected a string`);
    const branches = stringList(`${where}.deployment-branches`, body['deployment-branches']);
    if (branches !== undefined) env.deploymentBranches = branches;
    const tags = stringList(`${where}.deployment-tags`, body['deployment-tags']);
    if (tags !== undefined) env.deploymentTags = tags;
    config.environments.set(name, env);
  }
  return config;
}

export function loadEnvironments(path: string): EnvironmentsConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`environments file: cannot read ${path}`, { cause: error });
  }
  return parseEnvironments(text, path);
}

export function emptyEnvironments(): EnvironmentsConfig {
  return { vars: {}, secrets: {}, environments: new Map() };
}

export function hasProtectionRules(env: EnvironmentSpec): boolean {
  return env.requiredReviewers.length > 0 || env.waitTimerMinutes > 0;
}

/**
 * The environment a job may enter, or EnvironmentRefused: unknown environments, refs outside the
 * deployment branch/tag policy, and protection rules without `--approve <name>`.
 */
export function enterEnvironment(
  config: EnvironmentsConfig,
  name: string,
  ref: string,
  approved: ReadonlySet<string>,
): EnvironmentSpec {
  const env = config.environments.get(name);
  if (env === undefined) {
    const known = [...config.environments.keys()];
    throw new EnvironmentRefused(
      name,
      `environment '${name}' is not defined in the environments file (defined: ${known.join(', ') || 'none'})`,
    );
  }
  if (env.deploymentBranches !== undefined || env.deploymentTags !== undefined) {
    const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
    const tag = ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
    const allowed =
      (branch !== undefined && matchesFilter(branch, env.deploymentBranches ?? [])) ||
      (tag !== undefined && matchesFilter(tag, env.deploymentTags ?? []));
    if (!allowed) {
      throw new EnvironmentRefused(
        name,
        `environment '${name}' does not allow deployments from ${ref} (deployment branch policy)`,
      );
    }
  }
  if (hasProtectionRules(env) && !approved.has(name)) {
    const rules = [
      env.requiredReviewers.length > 0 ? `required reviewers: ${env.requiredReviewers.join(', ')}` : '',
      env.waitTimerMinutes > 0 ? `wait timer: ${env.waitTimerMinutes} min` : '',
    ].filter((s) => s !== '');
    throw new EnvironmentRefused(
      name,
      `environment '${name}' has protection rules (${rules.join('; ')}) and was not approved: run again with --approve ${name}`,
    );
  }
  return env;
}
