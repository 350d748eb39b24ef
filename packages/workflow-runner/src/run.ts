// The entry point of a local run: parse the workflow, check that it runs on the event, resolve its
// inputs, snapshot the repository, then run its jobs.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { workflowRepoRoot } from './action-refs.ts';
import { ArtifactStore } from './artifact-store.ts';
import { validateCalls } from './call-validation.ts';
import { ConcurrencyGroups } from './concurrency-groups.ts';
import { type EnvironmentsConfig, emptyEnvironments } from './environments.ts';
import { evaluateNode, type JsonValue } from './expressions.ts';
import { type EventName, eventPayload, githubContext, type IdTokenIssuer, type RunGithub } from './github-context.ts';
import { Masker } from './masker.ts';
import { matchesFilter } from './ref-filter.ts';
import type { RunEvent, WorkflowResult } from './run-types.ts';
import { runWorkflowSpec } from './run-workflow.ts';
import type { RunSession } from './session.ts';
import { type SourceSnapshot, snapshotSource } from './source-snapshot.ts';
import { type GithubApp, type TokenGrant, TokenGrants } from './token-grants.ts';
import { parseWorkflowFile } from './workflow-file.ts';
import { eventInputs, resolveInputs } from './workflow-inputs.ts';
import { readWorkflowSpec, type WorkflowSpec } from './workflow-model.ts';
import type { WorkflowNode } from './workflow-node.ts';

export interface RunOptions {
  /** Path of the workflow file. */
  workflow: string;
  event: EventName;
  /** `--input k=v` values, as text. */
  inputs?: Record<string, string>;
  /** The repository the run checks out (a directory; may be a folder inside a git work tree). */
  repoDir: string;
  /** This repository: actions/ and .github/workflows/ of bakeline (default: found from this package). */
  bakelineRoot?: string;
  /** `owner/name` accepted for bakeline references (default: any owner, repository name `bakeline`). */
  actionsRepository?: string;
  /** `owner/name` of the checked-out repository (default `bakeline-dev/<directory name>`). */
  repository?: string;
  /** github.ref for push and workflow_dispatch (default refs/heads/main). */
  ref?: string;
  /** pull_request: head and base branches (default `feature`, `main`). */
  headRef?: string;
  baseRef?: string;
  actor?: string;
  environments?: EnvironmentsConfig;
  /** Environments approved for this run (their protection rules are satisfied). */
  approve?: readonly string[];
  /** Where jobs, artifacts and the snapshot go (default: a new temp directory). */
  runDir?: string;
  /** RUNNER_TOOL_CACHE shared across runs (default: inside runDir). */
  toolCache?: string;
  idTokenIssuer?: IdTokenIssuer;
  /**
   * A GitHub REST API stand-in (the local cloud's: attestations) and the token it accepts: the
   * jobs' GITHUB_API_URL, and the GITHUB_TOKEN of jobs granted `attestations: write` (default
   * https://api.github.com, and a token per job).
   */
  githubApi?: { url: string; token: string };
  /** Node binary for actions (default: as @bakeline/action-host resolves node24). */
  node?: string;
  /** Extra variables for every step. */
  env?: Record<string, string>;
  /** Run only these jobs of the workflow (like `act -j`); their `needs` count as met, with no outputs. */
  jobs?: readonly string[];
  /** Told of every token the run hands out (each job's GITHUB_TOKEN, GitHub App tokens) and what it may do. */
  onTokenIssued?: (grant: TokenGrant) => void;
  /** The URL actions/checkout sets as `origin`, standing in for https://github.com/<repository>. */
  remoteUrl?: string;
  /** GitHub Apps for the local actions/create-github-app-token. */
  githubApps?: readonly GithubApp[];
  onEvent?: (event: RunEvent) => void;
  /**
   * `concurrency:` groups shared with other runs (default: one registry for every run of this
   * process, as GitHub shares them across a repository's runs).
   */
  concurrency?: ConcurrencyGroups;
}

export interface RunOutcome {
  result: WorkflowResult;
  runDir: string;
  artifactsDir: string;
  snapshot: SourceSnapshot;
}

const PROCESS_CONCURRENCY = new ConcurrencyGroups();

export const DEFAULT_BAKELINE_ROOT = resolve(import.meta.dirname, '..', '..', '..');

function checkTrigger(spec: WorkflowSpec, gh: Pick<RunGithub, 'eventName' | 'ref' | 'baseRef'>, notes: string[]): void {
  const filter = spec.events.get(gh.eventName);
  if (filter === undefined) {
    throw new Error(`${spec.file} does not run on '${gh.eventName}' (on: ${[...spec.events.keys()].join(', ')})`);
  }
  if (gh.eventName === 'push' || gh.eventName === 'pull_request') {
    const ref = gh.eventName === 'pull_request' ? `refs/heads/${gh.baseRef}` : gh.ref;
    const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
    const tag = ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
    const hasBranchFilter = filter.branches !== undefined || filter.branchesIgnore !== undefined;
    const hasTagFilter = filter.tags !== undefined || filter.tagsIgnore !== undefined;
    let runs = true;
    if (branch !== undefined && (hasBranchFilter || hasTagFilter)) {
      if (filter.branches !== undefined) runs = matchesFilter(branch, filter.branches);
      else if (filter.branchesIgnore !== undefined) runs = !matchesFilter(branch, filter.branchesIgnore);
      else runs = false;
    }
    if (tag !== undefined && (hasBranchFilter || hasTagFilter)) {
      if (filter.tags !== undefined) runs = matchesFilter(tag, filter.tags);
      else if (filter.tagsIgnore !== undefined) runs = !matchesFilter(tag, filter.tagsIgnore);
      else runs = false;
    }
    if (!runs)
      throw new Error(
        `${spec.file} does not run on ${gh.eventName} for ${ref} (branch/tag filters of on.${gh.eventName})`,
      );
    if (filter.paths !== undefined || filter.pathsIgnore !== undefined) {
      notes.push(`on.${gh.eventName}: paths filters are not evaluated locally (the run proceeds as if they matched)`);
    }
    if (filter.types !== undefined && gh.eventName === 'pull_request' && !filter.types.includes('opened')) {
      throw new Error(`${spec.file} does not run on pull_request 'opened' (types: ${filter.types.join(', ')})`);
    }
  }
}

export async function runWorkflow(options: RunOptions): Promise<RunOutcome> {
  const bakelineRoot = resolve(options.bakelineRoot ?? DEFAULT_BAKELINE_ROOT);
  const workflowPath = resolve(options.workflow);
  const display = relative(process.cwd(), workflowPath);
  const spec = readWorkflowSpec(await parseWorkflowFile(workflowPath, display));
  const environments = options.environments ?? emptyEnvironments();
  const repoDir = resolve(options.repoDir);
  const repository = options.repository ?? `bakeline-dev/${basename(repoDir)}`;
  const event = options.event;
  const ref = event === 'pull_request' ? 'refs/pull/1/merge' : (options.ref ?? 'refs/heads/main');
  const notes: string[] = [];
  checkTrigger(spec, { eventName: event, ref, baseRef: options.baseRef ?? 'main' }, notes);
  await validateCalls(spec, workflowRepoRoot(workflowPath), {
    bakelineRoot,
    ...(options.actionsRepository ? { actionsRepository: options.actionsRepository } : {}),
  });

  const given: Record<string, JsonValue> = { ...(options.inputs ?? {}) };
  let inputs: Record<string, JsonValue> = {};
  const ghForDefaults = { github: githubContext({ repository, ref, eventName: event } as RunGithub) };
  const evaluateDefault = (s: { default?: WorkflowNode; name: string }) =>
    evaluateNode(s.default as WorkflowNode, { contexts: ghForDefaults }, spec.file, `input ${s.name} default`);
  if (event === 'workflow_dispatch') {
    inputs = resolveInputs(spec.dispatchInputs ?? [], given, {
      where: `${display} (workflow_dispatch)`,
      fromText: true,
      evaluateDefault,
      environments: [...environments.environments.keys()],
    });
  } else if (event === 'workflow_call') {
    inputs = resolveInputs(spec.callInputs ?? [], given, {
      where: `${display} (workflow_call)`,
      fromText: true,
      evaluateDefault,
    });
  } else if (Object.keys(given).length > 0) {
    throw new Error(`--input is only for workflow_dispatch and workflow_call runs (event: ${event})`);
  }

  const runDir = options.runDir ?? mkdtempSync(join(tmpdir(), 'bakeline-run-'));
  mkdirSync(runDir, { recursive: true });
  const toolCache = options.toolCache ?? join(runDir, 'tool-cache');
  mkdirSync(toolCache, { recursive: true });
  const snapshot = await snapshotSource(repoDir, join(runDir, 'source'));
  const store = new ArtifactStore(join(runDir, 'artifacts'));
  const masker = new Masker();
  const token = `ghs_local${snapshot.sha.slice(0, 20)}`;
  masker.add(token);
  for (const v of Object.values(environments.secrets)) masker.add(v);
  const workflowName = spec.name ?? relative(workflowRepoRoot(workflowPath), workflowPath);
  const github: RunGithub = {
    repository,
    ref,
    sha: snapshot.sha,
    eventName: event,
    event: {},
    actor: options.actor ?? 'bakeline-local',
    runId: String(Date.now()),
    runNumber: '1',
    runAttempt: '1',
    serverUrl: 'https://github.com',
    apiUrl: options.githubApi?.url ?? 'https://api.github.com',
    graphqlUrl: `${options.githubApi?.url ?? 'https://api.github.com'}/graphql`,
    workflow: workflowName,
    workflowRef: `${repository}/${relative(workflowRepoRoot(workflowPath), workflowPath)}@${ref}`,
    headRef: event === 'pull_request' ? (options.headRef ?? 'feature') : '',
    baseRef: event === 'pull_request' ? (options.baseRef ?? 'main') : '',
    token,
  };
  github.event = eventPayload(github, event === 'workflow_dispatch' ? eventInputs(inputs) : {});
  const session: RunSession = {
    bakelineRoot,
    github,
    environments,
    approved: new Set(options.approve ?? []),
    store,
    snapshot,
    runDir,
    toolCache,
    extraEnv: options.env ?? {},
    masker,
    emit: options.onEvent ?? (() => {}),
    jobCount: 0,
    tokens: new TokenGrants(options.onTokenIssued),
    ...(options.githubApi ? { githubApiToken: options.githubApi.token } : {}),
    githubApps: options.githubApps ?? [],
    concurrency: options.concurrency ?? PROCESS_CONCURRENCY,
    runKey: randomUUID(),
  };
  if (options.jobs !== undefined) {
    for (const id of options.jobs) {
      if (!spec.jobs.some((j) => j.id === id)) {
        throw new Error(`--job ${id}: ${display} has no such job (jobs: ${spec.jobs.map((j) => j.id).join(', ')})`);
      }
    }
    session.onlyJobs = new Set(options.jobs);
  }
  if (options.remoteUrl !== undefined) session.remoteUrl = options.remoteUrl;
  if (options.actionsRepository !== undefined) session.actionsRepository = options.actionsRepository;
  if (options.idTokenIssuer !== undefined) session.idTokenIssuer = options.idTokenIssuer;
  if (options.node !== undefined) session.node = options.node;
  for (const message of notes) session.emit({ type: 'note', depth: 0, message });
  const result = await runWorkflowSpec(session, {
    spec,
    repoRoot: workflowRepoRoot(workflowPath),
    inputs,
    secrets: { ...environments.secrets },
    depth: 0,
    jobWorkflowRef: github.workflowRef,
  });
  result.notes.push(...notes);
  return { result, runDir, artifactsDir: store.root, snapshot };
}
