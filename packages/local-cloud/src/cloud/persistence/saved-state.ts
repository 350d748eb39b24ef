// What a local cloud with a state directory keeps across a stop and a start, in
// <state-dir>/cloud-state.json: the ECR repositories (with their images, tags, lifecycle policy
// and whatever else a repository record holds), the scan findings, IAM's OIDC providers and
// roles with their policies, and the Kubernetes objects. The registry's blobs stay in its own
// storage beside it. Users and credentials are not kept: every run issues new ones.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EcrRegistry, EcrRepository } from '../../ecr/ecr-registry.ts';
import type { ScanFinding, ScanFindingsStore } from '../../ecr/scan-findings.ts';
import type { Iam, OidcProviderEntry, Role } from '../../iam/iam.ts';
import type { ManagedPolicy } from '../../iam/managed-policies.ts';
import type { SavedKubeObjects } from '../../kube/api/saved-objects.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { decodeState, encodeState } from './json-codec.ts';

export const SAVED_STATE_VERSION = 1;

export interface SavedState {
  version: typeof SAVED_STATE_VERSION;
  ecr: { repositories: EcrRepository[]; findings: [string, ScanFinding[]][] };
  /** `policies` (customer managed) is absent in state saved before the IAM API served them. */
  iam: { providers: OidcProviderEntry[]; roles: Role[]; policies?: ManagedPolicy[] };
  kube?: SavedKubeObjects;
}

export interface StateParts {
  registry: EcrRegistry;
  findings: ScanFindingsStore;
  iam: Iam;
  kube?: () => SavedKubeObjects | undefined;
}

export function savedStateFile(stateDir: string): string {
  return join(stateDir, 'cloud-state.json');
}

/** The state an earlier run saved in `stateDir`, or undefined when there is none. */
export function readSavedState(stateDir: string): SavedState | undefined {
  const file = savedStateFile(stateDir);
  if (!existsSync(file)) return undefined;
  let state: Partial<SavedState>;
  try {
    state = decodeState(readFileSync(file, 'utf8')) as Partial<SavedState>;
  } catch (error) {
    throw new Error(
      `local cloud state ${file}: not readable JSON (${error instanceof Error ? error.message : String(error)}); move it away to start empty`,
      { cause: error },
    );
  }
  if (state.version !== SAVED_STATE_VERSION || !state.ecr || !state.iam) {
    throw new Error(
      `local cloud state ${file}: version ${String(state.version)}; expected ${SAVED_STATE_VERSION} with 'ecr' and 'iam'; move it away to start empty`,
    );
  }
  return state as SavedState;
}

export function captureState(parts: StateParts): SavedState {
  const kube = parts.kube?.();
  return {
    version: SAVED_STATE_VERSION,
    ecr: { repositories: parts.registry.listRepositories(), findings: parts.findings.entries() },
    iam: {
      providers: parts.iam.listOidcProviders(),
      roles: parts.iam.listRoles(),
      policies: parts.iam.managedPolicies.list(),
    },
    ...(kube ? { kube } : {}),
  };
}

/** Puts IAM's providers and roles back (before the role description is applied over them). */
export function restoreIam(iam: Iam, state: SavedState): void {
  for (const provider of state.iam.providers) iam.importOidcProvider(provider);
  for (const policy of state.iam.policies ?? []) iam.managedPolicies.import(policy);
  for (const role of state.iam.roles) iam.importRole(role);
}

/** Puts the ECR repositories and scan findings back (the Kubernetes part takes `state.kube` at its start). */
export function restoreEcr(parts: Pick<StateParts, 'registry' | 'findings'>, state: SavedState): void {
  for (const repo of state.ecr.repositories) parts.registry.importRepository(repo);
  parts.findings.importEntries(state.ecr.findings);
}

export function encodeSavedState(state: SavedState): string {
  return `${encodeState(state)}\n`;
}

export function writeSavedState(stateDir: string, text: string): void {
  writeFileAtomic(savedStateFile(stateDir), text);
}
