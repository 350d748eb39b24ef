// What one local run shares between its workflows and jobs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ArtifactStore } from './artifact-store.ts';
import type { ConcurrencyGroups } from './concurrency-groups.ts';
import type { EnvironmentsConfig } from './environments.ts';
import type { JsonValue } from './expressions.ts';
import type { IdTokenIssuer, RunGithub } from './github-context.ts';
import type { Masker } from './masker.ts';
import type { Permissions } from './permissions.ts';
import type { RunEvent } from './run-types.ts';
import type { SourceSnapshot } from './source-snapshot.ts';
import type { GithubApp, TokenGrants } from './token-grants.ts';
import type { WorkflowSpec } from './workflow-model.ts';

export interface RunSession {
  bakelineRoot: string;
  actionsRepository?: string;
  github: RunGithub;
  environments: EnvironmentsConfig;
  approved: ReadonlySet<string>;
  store: ArtifactStore;
  snapshot: SourceSnapshot;
  runDir: string;
  toolCache: string;
  idTokenIssuer?: IdTokenIssuer;
  node?: string;
  /** Extra variables for every step (after the host's, before the workflow's `env:`). */
  extraEnv: Record<string, string>;
  masker: Masker;
  emit(event: RunEvent): void;
  jobCount: number;
  /** Jobs of the top-level workflow to run (`--job`); the others are not run and their needs count as met. */
  onlyJobs?: ReadonlySet<string>;
  /** What the tokens a run hands out may do (each job's GITHUB_TOKEN, GitHub App tokens). */
  tokens: TokenGrants;
  /**
   * The token of the GitHub API stand-in (RunOptions.githubApi): what a job granted
   * `attestations: write` gets as GITHUB_TOKEN; other jobs' tokens are refused by it (401).
   */
  githubApiToken?: string;
  /** The URL actions/checkout sets as `origin` (stands in for https://github.com/<repository>). */
  remoteUrl?: string;
  /** GitHub Apps the run knows (the local actions/create-github-app-token checks against them). */
  githubApps: readonly GithubApp[];
  /** `concurrency:` groups, shared with the other runs of this process. */
  concurrency: ConcurrencyGroups;
  /** Identifies this run in the concurrency groups (a group it already holds is a deadlock). */
  runKey: string;
}

/** One workflow being run: the top-level one, or a reusable workflow called by a job. */
export interface Invocation {
  spec: WorkflowSpec;
  /** Repository root of the workflow file (`./` references resolve here). */
  repoRoot: string;
  inputs: Record<string, JsonValue>;
  /** The `secrets` context (repository secrets, or what the caller passed), without environment secrets. */
  secrets: Record<string, string>;
  /** The caller job's permissions, which this workflow's jobs may not exceed. */
  ceiling?: Permissions;
  depth: number;
  /** `owner/repo/path@ref` of this workflow file. */
  jobWorkflowRef: string;
  /** Aborted when the run (or the caller job) is cancelled by a concurrency group. */
  signal?: AbortSignal;
}

export function newJobDir(session: RunSession, jobId: string): string {
  session.jobCount += 1;
  const dir = join(session.runDir, 'jobs', `${String(session.jobCount).padStart(2, '0')}-${jobId}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
