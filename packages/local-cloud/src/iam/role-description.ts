// Reads roles.yaml (the one description of bakeline's IAM roles), renders its Terraform-style
// placeholders and turns it into the local cloud's OIDC provider and roles.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Iam, OidcProviderEntry, Role } from './iam.ts';
import { parsePolicy } from './policy.ts';

export const ROLES_FILE = new URL('./roles.yaml', import.meta.url);

export interface RoleDescriptionVariables {
  account_id: string;
  region: string;
  partition: string;
  /** The issuer without its scheme (`token.actions.githubusercontent.com`, `127.0.0.1:4567`). */
  oidc_provider: string;
  /** `owner/name` of the service repository. */
  github_repository: string;
}

export interface RoleSpec {
  name: string;
  description: string;
  maxSessionDuration: number;
  assumeRolePolicy: unknown;
  inlinePolicies: Record<string, unknown>;
}

export interface RoleDescription {
  oidcProvider: { url: string; clientIds: string[] };
  roles: RoleSpec[];
}

/** Replaces `${name}` placeholders as Terraform's templatefile() does; an unknown name is an error. */
export function renderTemplate(text: string, variables: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([^}]*)\}/g, (_match, name: string) => {
    const value = variables[name.trim()];
    if (value === undefined) {
      throw new Error(
        `roles description: unknown placeholder '\${${name}}'; known: ${Object.keys(variables).join(', ')}`,
      );
    }
    return value;
  });
}

function fail(where: string, message: string): never {
  throw new Error(`roles description: ${where}: ${message}`);
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'expected a mapping');
  return value as Record<string, unknown>;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') fail(where, `got ${JSON.stringify(value)}; expected a string`);
  return value;
}

/**
 * Every trust statement that trusts the OIDC provider must name its `sub` (StringEquals or
 * StringLike) and its audience: a role without them could be assumed from any repository.
 */
function checkOidcTrust(role: string, trust: unknown, provider: string): void {
  const policy = parsePolicy(trust, 'trust');
  for (const s of policy.statements) {
    const federated = s.principal !== undefined && s.principal !== '*' ? (s.principal.Federated ?? []) : [];
    if (!federated.some((f) => f.endsWith(`:oidc-provider/${provider}`))) continue;
    const keys = s.conditions
      .filter((c) => c.operator === 'StringEquals' || c.operator === 'StringLike')
      .map((c) => c.key);
    for (const claim of ['sub', 'aud']) {
      if (!keys.includes(`${provider}:${claim}`)) {
        fail(`role ${role}`, `its trust policy must hold a StringEquals/StringLike condition on ${provider}:${claim}`);
      }
    }
  }
}

export function parseRoleDescription(yamlText: string, variables: RoleDescriptionVariables): RoleDescription {
  const doc = record(parseYaml(renderTemplate(yamlText, { ...variables })), 'document');
  const provider = record(doc.oidc_provider, 'oidc_provider');
  const clientIds = provider.client_id_list;
  if (!Array.isArray(clientIds) || clientIds.some((c) => typeof c !== 'string')) {
    fail('oidc_provider.client_id_list', 'expected a list of strings');
  }
  if (!Array.isArray(doc.roles) || doc.roles.length === 0) fail('roles', 'expected a non-empty list');
  const names = new Set<string>();
  const roles = doc.roles.map((raw, i) => {
    const r = record(raw, `roles[${i}]`);
    const name = text(r.name, `roles[${i}].name`);
    if (names.has(name)) fail(`roles[${i}].name`, `'${name}' appears twice`);
    names.add(name);
    const max = r.max_session_duration ?? 3600;
    if (typeof max !== 'number') fail(`role ${name}.max_session_duration`, 'expected seconds');
    const inline = record(r.inline_policies ?? {}, `role ${name}.inline_policies`);
    try {
      checkOidcTrust(name, r.assume_role_policy, variables.oidc_provider);
      for (const doc of Object.values(inline)) parsePolicy(doc, 'identity');
    } catch (error) {
      fail(`role ${name}`, error instanceof Error ? error.message : String(error));
    }
    return {
      name,
      description: typeof r.description === 'string' ? r.description : '',
      maxSessionDuration: max,
      assumeRolePolicy: r.assume_role_policy,
      inlinePolicies: inline,
    };
  });
  return { oidcProvider: { url: text(provider.url, 'oidc_provider.url'), clientIds: clientIds as string[] }, roles };
}

export function loadRoleDescription(
  variables: RoleDescriptionVariables,
  file: URL | string = ROLES_FILE,
): RoleDescription {
  return parseRoleDescription(readFileSync(file, 'utf8'), variables);
}

/**
 * Registers the description's OIDC provider and creates its roles in `iam`. `issuerUrl` replaces
 * the provider's https URL where the issuer speaks plain http (the local cloud's, on 127.0.0.1).
 */
export function applyRoleDescription(
  iam: Iam,
  description: RoleDescription,
  options: { issuerUrl?: string } = {},
): { provider: OidcProviderEntry; roles: Role[] } {
  // A restarted local cloud already holds the provider and the roles: the description wins.
  const url = options.issuerUrl ?? description.oidcProvider.url;
  const provider =
    iam.findOidcProvider(url) ?? iam.addOidcProvider({ url, clientIds: description.oidcProvider.clientIds });
  const roles = description.roles.map((spec) => {
    const existing = iam.getRole(spec.name);
    if (existing) {
      for (const name of [...existing.policies.keys()]) iam.deleteRolePolicy(spec.name, name);
      for (const arn of existing.attachedPolicyArns ?? []) iam.detachRolePolicy(spec.name, arn);
      iam.deleteRole(spec.name);
    }
    return iam.createRole({
      name: spec.name,
      description: spec.description,
      maxSessionDurationSeconds: spec.maxSessionDuration,
      trustPolicy: spec.assumeRolePolicy,
      policies: spec.inlinePolicies,
    });
  });
  return { provider, roles };
}
