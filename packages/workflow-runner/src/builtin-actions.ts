// Local equivalents of the third-party actions the workflows use. Each accepts only the inputs
// listed here (anything else is an error) and gives the outputs the real action gives.
//   actions/checkout           clone of the run's source snapshot (github.sha) into `path`; with a remote
//                              URL, `origin` is it and the token is persisted as checkout does
//   actions/upload-artifact    files into the run's artifact store (v4 rules: immutable names, root = common ancestor)
//   actions/download-artifact  files from the run's artifact store
//   actions/setup-java         the machine's JDK when its major is the one asked for (setup-java.ts)
//   actions/setup-node         the runner's Node when its major is the one asked for (setup-node.ts)
//   actions/create-github-app-token  an installation token of a GitHub App the run knows (create-app-token.ts)
//   aws-actions/configure-aws-credentials  OIDC + the local STS (configure-aws-credentials.ts)
//   aws-actions/amazon-ecr-login  the local ECR's login into a docker config under the job's temp (amazon-ecr-login.ts)
import { existsSync, globSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { execChecked } from '@bakeline/toolkit';
import type { BuiltinAction } from './action-refs.ts';
import { AMAZON_ECR_LOGIN_INPUTS, amazonEcrLogin, ECR_LOGIN_OUTPUTS } from './amazon-ecr-login.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { CONFIGURE_AWS_INPUTS, CONFIGURE_AWS_OUTPUTS, configureAwsCredentials } from './configure-aws-credentials.ts';
import { APP_PERMISSION_SCOPES, createAppToken } from './create-app-token.ts';
import { matchesFilter } from './ref-filter.ts';
import { machineJdk, setupJava } from './setup-java.ts';
import { setupNode } from './setup-node.ts';
import { cloneSnapshot, type SourceSnapshot } from './source-snapshot.ts';
import type { GithubApp, TokenGrants } from './token-grants.ts';

/** Outputs each mapped action gives. */
export const BUILTIN_OUTPUTS: Record<BuiltinAction, string[]> = {
  'actions/checkout': ['ref', 'commit'],
  'actions/upload-artifact': ['artifact-id', 'artifact-url', 'artifact-digest'],
  'actions/download-artifact': ['download-path'],
  'actions/setup-java': ['distribution', 'version', 'path', 'cache-hit', 'cache-primary-key'],
  'actions/setup-node': ['node-version', 'cache-hit'],
  'actions/create-github-app-token': ['token', 'installation-id', 'app-slug'],
  'aws-actions/configure-aws-credentials': CONFIGURE_AWS_OUTPUTS,
  'aws-actions/amazon-ecr-login': ECR_LOGIN_OUTPUTS,
};

export interface BuiltinContext {
  workspace: string;
  /** The job's temp directory (RUNNER_TEMP). */
  temp: string;
  store: ArtifactStore;
  snapshot: SourceSnapshot;
  repository: string;
  ref: string;
  runId: string;
  serverUrl: string;
  /** The step's environment (PATH finds the machine's tools). */
  env: Record<string, string>;
  /** The job's GITHUB_TOKEN (actions/checkout's default token). */
  githubToken: string;
  /** `origin` of a checkout (stands in for https://github.com/<repository>); the snapshot when unset. */
  remoteUrl?: string;
  tokens: TokenGrants;
  githubApps: readonly GithubApp[];
  /** The Node the runner runs actions with. */
  node: string;
  /** Registers a secret with the run's masker at once (before anything can print it). */
  mask: (secret: string) => void;
  log: (line: string) => void;
}

export interface BuiltinResult {
  outputs: Record<string, string>;
  exportedEnv?: Record<string, string>;
  addedPath?: string[];
  masks?: string[];
}

/** Inputs each mapped action accepts, with their defaults. */
export const BUILTIN_INPUTS: Record<BuiltinAction, Record<string, string | undefined>> = {
  'actions/checkout': {
    path: '.',
    'fetch-depth': '1',
    'persist-credentials': 'true',
    clean: 'true',
    ref: undefined,
    repository: undefined,
    token: undefined,
  },
  'actions/upload-artifact': {
    name: 'artifact',
    path: undefined,
    'if-no-files-found': 'warn',
    'retention-days': '0',
    'compression-level': '6',
    overwrite: 'false',
    'include-hidden-files': 'false',
  },
  'actions/download-artifact': {
    name: undefined,
    path: undefined,
    pattern: undefined,
    'merge-multiple': 'false',
  },
  'actions/setup-java': {
    'java-version': undefined,
    'java-version-file': undefined,
    distribution: undefined,
    'java-package': 'jdk',
    architecture: undefined,
    'check-latest': 'false',
  },
  'actions/setup-node': {
    'node-version': undefined,
    'node-version-file': undefined,
    'check-latest': 'false',
    cache: undefined,
  },
  'actions/create-github-app-token': {
    'app-id': undefined,
    'private-key': undefined,
    owner: undefined,
    repositories: undefined,
    'skip-token-revoke': 'false',
    'github-api-url': undefined,
    ...Object.fromEntries(APP_PERMISSION_SCOPES.map((scope) => [`permission-${scope}`, undefined])),
  },
  'aws-actions/configure-aws-credentials': CONFIGURE_AWS_INPUTS,
  'aws-actions/amazon-ecr-login': AMAZON_ECR_LOGIN_INPUTS,
};

function inputsOf(action: BuiltinAction, given: Record<string, string>): Record<string, string | undefined> {
  const accepted = BUILTIN_INPUTS[action];
  for (const key of Object.keys(given)) {
    if (!(key in accepted)) {
      throw new Error(
        `${action}: input '${key}' is not supported by the local runner (supported: ${Object.keys(accepted).join(', ')})`,
      );
    }
  }
  return { ...accepted, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== '')) };
}

function bool(action: string, name: string, value: string | undefined): boolean {
  if (value === 'true') return true;
  if (value === 'false' || value === undefined) return false;
  throw new Error(`${action}: input '${name}': got '${value}'; expected true or false`);
}

function insideWorkspace(action: string, workspace: string, path: string): string {
  const full = resolve(workspace, path);
  const rel = relative(workspace, full);
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new Error(`${action}: path '${path}' is outside the workspace`);
  }
  return full;
}

async function checkout(ctx: BuiltinContext, given: Record<string, string>): Promise<BuiltinResult> {
  const input = inputsOf('actions/checkout', given);
  if (input.repository !== undefined && input.repository !== ctx.repository) {
    throw new Error(`actions/checkout: repository '${input.repository}' is not the run's repository ${ctx.repository}`);
  }
  if (input.ref !== undefined && ![ctx.snapshot.sha, ctx.ref].includes(input.ref)) {
    throw new Error(
      `actions/checkout: ref '${input.ref}': the local runner checks out only ${ctx.ref} (${ctx.snapshot.sha})`,
    );
  }
  const dest = insideWorkspace('actions/checkout', ctx.workspace, input.path ?? '.');
  if (existsSync(dest) && bool('actions/checkout', 'clean', input.clean)) {
    for (const entry of readdirSync(dest)) rmSync(join(dest, entry), { recursive: true, force: true });
  }
  await cloneSnapshot(ctx.snapshot, dest);
  if (ctx.remoteUrl !== undefined) {
    // as actions/checkout: origin is the repository's URL, and the token goes in an extra header
    await execChecked('git', ['remote', 'set-url', 'origin', ctx.remoteUrl], { cwd: dest });
    if (bool('actions/checkout', 'persist-credentials', input['persist-credentials'])) {
      const basic = Buffer.from(`x-access-token:${input.token ?? ctx.githubToken}`).toString('base64');
      await execChecked(
        'git',
        ['config', '--local', `http.${new URL(ctx.remoteUrl).origin}/.extraheader`, `AUTHORIZATION: basic ${basic}`],
        { cwd: dest },
      );
    }
  }
  ctx.log(`checked out ${ctx.repository}@${ctx.snapshot.sha} (local snapshot) into ${dest}`);
  return { outputs: { ref: ctx.ref, commit: ctx.snapshot.sha } };
}

function hiddenName(name: string): boolean {
  return name.startsWith('.') && name !== '.' && name !== '..';
}

/** Files of a match; like @actions/glob's excludeHiddenFiles, a hidden name from the match down is skipped. */
function filesUnder(path: string, includeHidden: boolean): string[] {
  if (!includeHidden && hiddenName(basename(path))) return [];
  if (statSync(path).isFile()) return [path];
  return (globSync('**/*', { cwd: path }) as string[])
    .filter((p) => includeHidden || !p.split(sep).some(hiddenName))
    .map((p) => join(path, p))
    .filter((p) => statSync(p).isFile());
}

function commonAncestor(paths: readonly string[]): string {
  const split = paths.map((p) => p.split(sep));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length && split.every((s) => s[n] === first[n])) n++;
  return first.slice(0, n).join(sep) || sep;
}

/** The part of a pattern before its first glob character, as a directory or file path. */
function searchRoot(pattern: string): string {
  const parts = pattern.split('/');
  const fixed: string[] = [];
  for (const part of parts) {
    if (/[*?[{]/.test(part)) break;
    fixed.push(part);
  }
  return fixed.join('/');
}

function upload(ctx: BuiltinContext, given: Record<string, string>): BuiltinResult {
  const action = 'actions/upload-artifact';
  const input = inputsOf(action, given);
  if (input.path === undefined) throw new Error(`${action}: input 'path' is required`);
  const name = input.name ?? 'artifact';
  const mode = input['if-no-files-found'] ?? 'warn';
  if (!['warn', 'error', 'ignore'].includes(mode)) {
    throw new Error(`${action}: input 'if-no-files-found': got '${mode}'; expected warn, error or ignore`);
  }
  const includeHidden = bool(action, 'include-hidden-files', input['include-hidden-files']);
  const lines = input.path
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const include = lines.filter((l) => !l.startsWith('!'));
  const exclude = lines.filter((l) => l.startsWith('!')).map((l) => resolve(ctx.workspace, l.slice(1)));
  const files = new Set<string>();
  const roots: string[] = [];
  for (const pattern of include) {
    const abs = resolve(ctx.workspace, pattern);
    const matches = (globSync(abs) as string[]).filter(
      (m) => !exclude.some((x) => m === x || m.startsWith(`${x}${sep}`)),
    );
    if (matches.length === 0) continue;
    const root = resolve(ctx.workspace, searchRoot(pattern));
    roots.push(existsSync(root) && statSync(root).isFile() ? dirname(root) : root);
    for (const match of matches) {
      for (const file of filesUnder(match, includeHidden)) {
        if (exclude.some((x) => file === x || file.startsWith(`${x}${sep}`))) continue;
        files.add(file);
      }
    }
  }
  if (files.size === 0) {
    const message = `${action}: no files were found with the provided path: ${lines.join(', ')}`;
    if (mode === 'error') throw new Error(message);
    ctx.log(mode === 'warn' ? `warning: ${message}. No artifacts will be uploaded.` : message);
    return { outputs: {} };
  }
  const root = roots.length === 1 ? (roots[0] as string) : commonAncestor(roots);
  const stored = ctx.store.upload(name, root, [...files].sort(), bool(action, 'overwrite', input.overwrite));
  ctx.log(`uploaded artifact '${name}': ${stored.files.length} file(s), digest sha256:${stored.digest}`);
  return {
    outputs: {
      'artifact-id': String(stored.id),
      'artifact-url': `${ctx.serverUrl}/${ctx.repository}/actions/runs/${ctx.runId}/artifacts/${stored.id}`,
      'artifact-digest': stored.digest,
    },
  };
}

/** download-artifact's own words for an artifact whose files changed since upload (a warning, not a failure). */
function warnOnMismatch(ctx: BuiltinContext, name: string, mismatch: boolean): void {
  if (mismatch) {
    ctx.log(`::warning::Artifact '${name}' digest validation failed. Please verify the integrity of the artifact.`);
  }
}

function download(ctx: BuiltinContext, given: Record<string, string>): BuiltinResult {
  const action = 'actions/download-artifact';
  const input = inputsOf(action, given);
  const dest = input.path === undefined ? ctx.workspace : resolve(ctx.workspace, input.path);
  if (input.name !== undefined) {
    if (input.pattern !== undefined) throw new Error(`${action}: give 'name' or 'pattern', not both`);
    const got = ctx.store.download(input.name, dest);
    warnOnMismatch(ctx, input.name, got.digestMismatch);
    ctx.log(`downloaded artifact '${input.name}' (${got.files.length} file(s)) to ${dest}`);
    return { outputs: { 'download-path': dest } };
  }
  const pattern = input.pattern;
  const names = ctx.store.names().filter((n) => pattern === undefined || matchesFilter(n, [pattern]));
  const merge = bool(action, 'merge-multiple', input['merge-multiple']);
  mkdirSync(dest, { recursive: true });
  for (const n of names) warnOnMismatch(ctx, n, ctx.store.download(n, merge ? dest : join(dest, n)).digestMismatch);
  ctx.log(`downloaded ${names.length} artifact(s) to ${dest}`);
  return { outputs: { 'download-path': dest } };
}

export async function runBuiltinAction(
  action: BuiltinAction,
  ctx: BuiltinContext,
  inputs: Record<string, string>,
): Promise<BuiltinResult> {
  switch (action) {
    case 'actions/checkout':
      return checkout(ctx, inputs);
    case 'actions/upload-artifact':
      return upload(ctx, inputs);
    case 'actions/download-artifact':
      return download(ctx, inputs);
    case 'actions/setup-node': {
      const result = await setupNode(ctx.node, inputsOf(action, inputs));
      ctx.log(`Node ${result.outputs['node-version']} (the local runner's) on PATH`);
      return result;
    }
    case 'actions/create-github-app-token': {
      const result = createAppToken(
        { repository: ctx.repository, apps: ctx.githubApps, tokens: ctx.tokens },
        inputsOf(action, inputs),
      );
      ctx.log(`installation token of GitHub App '${result.outputs['app-slug']}' created`);
      return result;
    }
    case 'aws-actions/configure-aws-credentials': {
      const result = await configureAwsCredentials({ env: ctx.env, mask: ctx.mask }, inputsOf(action, inputs));
      ctx.log(`assumed ${inputs['role-to-assume'] ?? ''} through GitHub OIDC (local STS); AWS_* exported`);
      return result;
    }
    case 'aws-actions/amazon-ecr-login': {
      const result = await amazonEcrLogin({ env: ctx.env, temp: ctx.temp, mask: ctx.mask }, inputsOf(action, inputs));
      ctx.log(`logged in to ${result.outputs.registry} (local ECR); DOCKER_CONFIG exported`);
      return result;
    }
    case 'actions/setup-java': {
      const input = inputsOf(action, inputs);
      const result = setupJava(await machineJdk(ctx.env), input);
      ctx.log(`Java ${result.outputs.version} (the machine's JDK) at ${result.outputs.path}`);
      return result;
    }
  }
}
