// What a `uses:` names and where the local runner finds it. bakeline's own actions and reusable
// workflows are referenced as `<owner>/bakeline/actions/<name>@<ref>` and
// `<owner>/bakeline/.github/workflows/<file>@<ref>`; locally they map to this repository's working
// tree (actions run from `actions/<name>/dist`). A few third-party actions map to local
// equivalents (see BUILTIN_ACTIONS); anything else is an error.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkNode24Major } from './action-majors.ts';

/** The owner placeholder of bakeline's references in this repository; the release rewrites it. */
export const ACTIONS_REPOSITORY = 'bakeline-dev/bakeline';

export const BUILTIN_ACTIONS = [
  'actions/checkout',
  'actions/upload-artifact',
  'actions/download-artifact',
  'actions/setup-java',
  'actions/setup-node',
  'actions/create-github-app-token',
  'aws-actions/configure-aws-credentials',
  'aws-actions/amazon-ecr-login',
] as const;
export type BuiltinAction = (typeof BUILTIN_ACTIONS)[number];

export type ActionTarget =
  | { kind: 'bakeline'; name: string; ref: string; dir: string }
  | { kind: 'local'; dir: string }
  | { kind: 'builtin'; action: BuiltinAction; ref: string }
  /** A third-party action the local runner cannot run (the static check cannot see its inputs). */
  | { kind: 'unmapped'; uses: string };

export interface RefResolverOptions {
  /** This repository (holds actions/ and .github/workflows/). */
  bakelineRoot: string;
  /** `owner/name` accepted for bakeline references; default: any owner with repository name `bakeline`. */
  actionsRepository?: string;
}

const REMOTE = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\/(.+)@([^@\s]+)$/;

function isBakelineRepo(owner: string, repo: string, options: RefResolverOptions): boolean {
  if (options.actionsRepository !== undefined) return `${owner}/${repo}` === options.actionsRepository;
  return repo === 'bakeline';
}

export function resolveAction(uses: string, workspace: string, options: RefResolverOptions): ActionTarget {
  if (uses.startsWith('./')) {
    const dir = resolve(workspace, uses);
    if (!existsSync(join(dir, 'action.yml')) && !existsSync(join(dir, 'action.yaml'))) {
      throw new Error(`uses: ${uses}: no action.yml in ${dir}`);
    }
    return { kind: 'local', dir };
  }
  if (uses.startsWith('docker://'))
    throw new Error(`uses: ${uses}: Docker container actions are not supported by the local runner`);
  const at = uses.lastIndexOf('@');
  const path = at > 0 ? uses.slice(0, at) : uses;
  const ref = at > 0 ? uses.slice(at + 1) : '';
  checkNode24Major(path, ref);
  if ((BUILTIN_ACTIONS as readonly string[]).includes(path)) {
    return { kind: 'builtin', action: path as BuiltinAction, ref };
  }
  const m = REMOTE.exec(uses);
  if (m !== null) {
    const [, owner = '', repo = '', sub = '', subRef = ''] = m;
    const action = /^actions\/([a-z0-9-]+)$/.exec(sub);
    if (isBakelineRepo(owner, repo, options)) {
      if (action === null)
        throw new Error(`uses: ${uses}: not an action of bakeline (expected ${owner}/${repo}/actions/<name>@<ref>)`);
      const name = action[1] as string;
      const dir = join(options.bakelineRoot, 'actions', name);
      if (!existsSync(join(dir, 'action.yml')))
        throw new Error(`uses: ${uses}: bakeline has no action '${name}' (${dir})`);
      return { kind: 'bakeline', name, ref: subRef, dir };
    }
  }
  return { kind: 'unmapped', uses };
}

export function unmappedError(uses: string): Error {
  return new Error(
    `uses: ${uses}: no local mapping (mapped: bakeline's actions, ./path actions, ${BUILTIN_ACTIONS.join(', ')})`,
  );
}

export interface WorkflowTarget {
  path: string;
  /** `@ref` of a remote reference; undefined for `./` references. */
  ref?: string;
}

/**
 * A reusable workflow: `./.github/workflows/x.yml` (the caller's repository, `callerRoot`) or
 * `<owner>/bakeline/.github/workflows/x.yml@ref` (this repository).
 */
export function resolveWorkflow(uses: string, callerRoot: string, options: RefResolverOptions): WorkflowTarget {
  const local = /^\.\/\.github\/workflows\/[^/]+\.ya?ml$/.exec(uses);
  if (local !== null) {
    const path = join(callerRoot, uses);
    if (!existsSync(path)) throw new Error(`uses: ${uses}: ${path} does not exist`);
    return { path };
  }
  const m = REMOTE.exec(uses);
  if (m !== null) {
    const [, owner = '', repo = '', sub = '', ref = ''] = m;
    if (isBakelineRepo(owner, repo, options) && /^\.github\/workflows\/[^/]+\.ya?ml$/.test(sub)) {
      const path = join(options.bakelineRoot, sub);
      if (!existsSync(path)) throw new Error(`uses: ${uses}: bakeline has no workflow ${sub}`);
      return { path, ref };
    }
  }
  throw new Error(
    `uses: ${uses}: no local mapping for this reusable workflow (mapped: ./.github/workflows/*, bakeline's)`,
  );
}

/** The repository root of a workflow file (the directory holding `.github/workflows/<file>`). */
export function workflowRepoRoot(workflowPath: string): string {
  return resolve(workflowPath, '..', '..', '..');
}
