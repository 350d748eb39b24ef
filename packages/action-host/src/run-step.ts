// Runs one JavaScript action the way the GitHub runner does: INPUT_* variables (defaults from
// action.yml applied), the file commands (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH, GITHUB_STATE,
// GITHUB_STEP_SUMMARY), the runner's context variables, the `pre:` and `post:` entries (post also
// after a failure; state from one phase reaches the next as STATE_*), and cancellation as the
// runner does it: SIGINT, then SIGTERM 7.5 s later.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseKeyValueFile, parsePathFile } from './file-commands.ts';
import { hostEnv } from './host-env.ts';
import { type ActionMetadata, readActionMetadata } from './metadata.ts';
import { resolveNode } from './node-binary.ts';
import { type Annotation, maskLog, parseWorkflowCommands } from './workflow-commands.ts';

export interface GithubContextValues {
  sha: string;
  ref: string;
  repository: string;
  runId: string;
  runAttempt: string;
  serverUrl: string;
  eventName: string;
  actor: string;
  job: string;
  workflow: string;
  /** `github.token`: the value of an input whose default is `${{ github.token }}` */
  token: string;
}

/** The one expression default the host evaluates, as the runner does: `${{ github.token }}`. */
const GITHUB_TOKEN_DEFAULT = /^\$\{\{\s*github\.token\s*\}\}$/;

export interface ActionRunOptions {
  actionDir: string;
  inputs?: Record<string, string>;
  workspace: string;
  /** Extra environment for the action (merged over a minimal base: PATH, HOME, ...). */
  env?: Record<string, string>;
  runnerTemp?: string;
  toolCache?: string;
  github?: Partial<GithubContextValues>;
  timeoutMs?: number;
  /** Cancel the run this long after main starts: SIGINT, then SIGTERM 7.5 s later. */
  cancelAfterMs?: number;
  /** Cancel the run when this is aborted (as cancelAfterMs does: SIGINT, SIGTERM, then post:). */
  signal?: AbortSignal;
  /** Kill main (SIGKILL, no SIGINT first) when this is aborted: a step process lost mid-work; post still runs. */
  kill?: AbortSignal;
  /** Delay between SIGINT and SIGTERM (runner: 7500 ms). */
  sigtermDelayMs?: number;
  node?: string;
  onLine?: (line: string) => void;
}

export interface PhaseResult {
  name: 'pre' | 'main' | 'post';
  exitCode: number;
  durationMs: number;
}

export interface ActionRunResult {
  metadata: ActionMetadata;
  exitCode: number;
  cancelled: boolean;
  outputs: Record<string, string>;
  summary: string;
  annotations: Annotation[];
  masks: string[];
  deprecatedCommands: string[];
  exportedEnv: Record<string, string>;
  addedPath: string[];
  state: Record<string, string>;
  stdout: string;
  stderr: string;
  /** stdout and stderr as the runner would show them, secrets masked. */
  log: string;
  phases: PhaseResult[];
  inputsRead: string[];
  /** `with:` keys that action.yml does not declare (the runner warns "Unexpected input(s)"). */
  unexpectedInputs: string[];
}

function inputEnv(metadata: ActionMetadata, given: Record<string, string>, token: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(metadata.inputs)) {
    const value = given[name] ?? (spec.default && GITHUB_TOKEN_DEFAULT.test(spec.default) ? token : spec.default);
    if (value !== undefined) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  for (const [name, value] of Object.entries(given)) {
    if (!(name in metadata.inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return env;
}

export async function runActionStep(options: ActionRunOptions): Promise<ActionRunResult> {
  const actionDir = resolve(options.actionDir);
  const metadata = readActionMetadata(actionDir);
  const node = resolveNode(metadata.runs.using, options.node);
  const given = options.inputs ?? {};
  for (const [name, spec] of Object.entries(metadata.inputs)) {
    if (spec.default?.includes('${{') && !GITHUB_TOKEN_DEFAULT.test(spec.default)) {
      throw new Error(`action host: input '${name}' of ${actionDir} has an expression default; not supported here`);
    }
  }
  const work = mkdtempSync(join(options.runnerTemp ?? tmpdir(), 'bakeline-step-'));
  const runnerTemp = options.runnerTemp ?? join(work, 'temp');
  const toolCache = options.toolCache ?? join(work, 'tool-cache');
  mkdirSync(runnerTemp, { recursive: true });
  mkdirSync(toolCache, { recursive: true });
  const readsFile = join(work, 'input-reads');
  writeFileSync(readsFile, '');
  const eventPath = join(work, 'event.json');
  writeFileSync(eventPath, '{}');
  const gh: GithubContextValues = {
    sha: '0000000000000000000000000000000000000000',
    ref: 'refs/heads/main',
    repository: 'bakeline-dev/service',
    runId: '1',
    runAttempt: '1',
    serverUrl: 'https://github.com',
    eventName: 'push',
    actor: 'bakeline',
    job: 'job',
    workflow: 'workflow',
    token: 'ghs_bakelineLocalRunnerToken000000000000',
    ...options.github,
  };

  const result: ActionRunResult = {
    metadata,
    exitCode: 0,
    cancelled: false,
    outputs: {},
    summary: '',
    annotations: [],
    masks: [],
    deprecatedCommands: [],
    exportedEnv: {},
    addedPath: [],
    state: {},
    stdout: '',
    stderr: '',
    log: '',
    phases: [],
    inputsRead: [],
    unexpectedInputs: Object.keys(given).filter((k) => !(k in metadata.inputs)),
  };

  const runPhase = async (name: 'pre' | 'main' | 'post', entry: string): Promise<number> => {
    const files = {
      GITHUB_OUTPUT: join(work, `${name}-output`),
      GITHUB_ENV: join(work, `${name}-env`),
      GITHUB_PATH: join(work, `${name}-path`),
      GITHUB_STATE: join(work, `${name}-state`),
      GITHUB_STEP_SUMMARY: join(work, `${name}-summary`),
    };
    for (const file of Object.values(files)) writeFileSync(file, '');
    const stateEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(result.state)) stateEnv[`STATE_${k}`] = v;
    const env: Record<string, string> = {
      ...hostEnv(),
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      // the AWS SDK's default chain ends at the instance metadata address: never from here (a
      // step that wants it sets AWS_EC2_METADATA_SERVICE_ENDPOINT to a stand-in and this to false)
      AWS_EC2_METADATA_DISABLED: 'true',
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_NAME: 'bakeline-local',
      RUNNER_TEMP: runnerTemp,
      RUNNER_TOOL_CACHE: toolCache,
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_SHA: gh.sha,
      GITHUB_REF: gh.ref,
      GITHUB_REF_NAME: gh.ref.replace(/^refs\/(heads|tags)\//, ''),
      GITHUB_REPOSITORY: gh.repository,
      GITHUB_REPOSITORY_OWNER: gh.repository.split('/')[0] ?? '',
      GITHUB_RUN_ID: gh.runId,
      GITHUB_RUN_ATTEMPT: gh.runAttempt,
      GITHUB_SERVER_URL: gh.serverUrl,
      GITHUB_API_URL: 'https://api.github.com',
      GITHUB_EVENT_NAME: gh.eventName,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_ACTOR: gh.actor,
      GITHUB_JOB: gh.job,
      GITHUB_WORKFLOW: gh.workflow,
      GITHUB_ACTION: name === 'main' ? '__run' : `__run_${name}`,
      GITHUB_ACTION_PATH: actionDir,
      ...files,
      ...(options.env ?? {}),
      ...stateEnv,
      ...inputEnv(metadata, given, gh.token),
      BAKELINE_INPUT_READS_FILE: readsFile,
    };
    const script = join(actionDir, entry);
    if (!existsSync(script)) throw new Error(`action host: ${script} does not exist (was the action bundled?)`);
    const watch = new URL('./input-watch.mjs', import.meta.url).href;
    const started = Date.now();
    const exitCode = await new Promise<number>((resolvePhase, reject) => {
      const child = spawn(node, ['--import', watch, script], {
        cwd: options.workspace,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let pending = '';
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stdout.on('data', (text: string) => {
        result.stdout += text;
        pending += text;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) options.onLine?.(line);
      });
      child.stderr.on('data', (text: string) => {
        result.stderr += text;
      });
      const timers: NodeJS.Timeout[] = [];
      const cancel = () => {
        result.cancelled = true;
        child.kill('SIGINT');
        timers.push(setTimeout(() => child.kill('SIGTERM'), options.sigtermDelayMs ?? 7500));
      };
      if (name === 'main' && options.cancelAfterMs !== undefined) {
        timers.push(setTimeout(cancel, options.cancelAfterMs));
      }
      if (name === 'main' && options.signal !== undefined) {
        if (options.signal.aborted) cancel();
        else options.signal.addEventListener('abort', cancel, { once: true });
      }
      const kill = () => child.kill('SIGKILL');
      if (name === 'main' && options.kill !== undefined) {
        if (options.kill.aborted) kill();
        else options.kill.addEventListener('abort', kill, { once: true });
      }
      if (options.timeoutMs !== undefined) {
        timers.push(setTimeout(kill, options.timeoutMs));
      }
      child.once('error', reject);
      child.once('close', (code, signal) => {
        for (const t of timers) clearTimeout(t);
        options.signal?.removeEventListener('abort', cancel);
        options.kill?.removeEventListener('abort', kill);
        if (pending) options.onLine?.(pending);
        resolvePhase(code ?? (signal ? 128 + 2 : 1));
      });
    });
    result.phases.push({ name, exitCode, durationMs: Date.now() - started });
    Object.assign(result.outputs, parseKeyValueFile(readFileSync(files.GITHUB_OUTPUT, 'utf8'), 'GITHUB_OUTPUT'));
    Object.assign(result.exportedEnv, parseKeyValueFile(readFileSync(files.GITHUB_ENV, 'utf8'), 'GITHUB_ENV'));
    Object.assign(result.state, parseKeyValueFile(readFileSync(files.GITHUB_STATE, 'utf8'), 'GITHUB_STATE'));
    result.addedPath.push(...parsePathFile(readFileSync(files.GITHUB_PATH, 'utf8')));
    result.summary += readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
    return exitCode;
  };

  if (metadata.runs.pre) {
    const preCode = await runPhase('pre', metadata.runs.pre);
    if (preCode !== 0) result.exitCode = preCode;
  }
  if (result.exitCode === 0) {
    result.exitCode = await runPhase('main', metadata.runs.main);
  }
  const mainStarted = result.phases.some((p) => p.name === 'main');
  if (metadata.runs.post && mainStarted) {
    const postIf = metadata.runs['post-if'] ?? 'always()';
    if (
      postIf.includes('always()') ||
      (postIf.includes('success()') && result.exitCode === 0) ||
      (postIf.includes('failure()') && result.exitCode !== 0)
    ) {
      const postCode = await runPhase('post', metadata.runs.post);
      if (postCode !== 0 && result.exitCode === 0) result.exitCode = postCode;
    }
  }
  const commands = parseWorkflowCommands(result.stdout);
  result.annotations = commands.annotations;
  result.masks = commands.masks;
  result.deprecatedCommands = commands.deprecated;
  // the runner registers github.token as a secret: masked whether or not the action adds a mask
  result.log = maskLog(`${result.stdout}${result.stderr}`, gh.token ? [gh.token, ...commands.masks] : commands.masks);
  result.inputsRead = [
    ...new Set(
      readFileSync(readsFile, 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
    ),
  ].sort();
  return result;
}
