// The hostile corpus (issue #12, "Suites to build" 1), run as the runner runs the actions (their
// bundled dist/ through the harness) and the reusable workflows (through the local workflow
// runner), against the local cloud:
// - every row of cases.ts exits 1, its first error line names the input and what was expected,
//   no secret of the row is printed, and nothing changes: the registry (repositories, images,
//   tags, write requests), the cluster (every object's resourceVersion, read with kubectl) and
//   the file system (workspace, RUNNER_TEMP, the tool cache, TMPDIR, the output directories);
// - hostile bytes inside text bakeline relays (AWS error bodies, an application's HTTP body, a
//   Kubernetes Status message, Maven test names and output, docker build output) never become a
//   workflow command by the runner's own rules (runner-commands.ts reads the raw stdout), and the
//   step ends as its benign twin ends: same exit code, same outputs, same annotations.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HarnessOptions, type HarnessResult, repoRoot, runBundledAction } from '@bakeline/test/harness';
import { ConcurrencyGroups, httpIdTokenIssuer, loadEnvironments, runWorkflow } from '@bakeline/workflow-runner';
import { afterAll, beforeAll, describe, type ExpectStatic, expect, test } from 'vitest';
import { writeEnvironmentsFile } from '../../scripts/main/environments-file.ts';
import { limiter } from '../harness/limiter.ts';
import { recordResult } from '../reliability/record-result.ts';
import { CASES, type CaseContext, type HostileInputCase, type Target } from './cases.ts';
import {
  awsJsonError,
  HOSTILE_ONE_LINE,
  HOSTILE_TEXT,
  type HostileServer,
  MARKER,
  plainBody,
  type Responder,
  startHostileServer,
  stsXmlError,
} from './hostile-bytes.ts';
import { injectedCommands, runnerCommands } from './runner-commands.ts';
import { fileChanges, snapshotCluster, snapshotFiles, snapshotRegistry } from './state-snapshot.ts';
import { writeHostileTars } from './tar-fixtures.ts';
import { firstError, promoteOptions, pushOptions, SDE, SHA, startWorld, type World } from './world.ts';

let world: World;
let ctx: CaseContext;
let environmentsFile: string;
/** per-case directories the actions may write to; all must be as they were after a refused input */
interface RowDirs {
  runnerTemp: string;
  toolCache: string;
  tmp: string;
  bakeOut: string;
}
/** where a path input that climbs out of the workspace lands (`../tmp/...`): watched by every row */
let escapeDir: string;
const started = Date.now();

function hostileFiles(workspace: string): CaseContext['files'] {
  const dir = join(workspace, 'hostile');
  mkdirSync(dir, { recursive: true });
  const spec = (n: string) => {
    const target = join(dir, n);
    copyFileSync(join(repoRoot, 'test', 'fixtures', 'platform', n), target);
    return `hostile/${n}`;
  };
  writeFileSync(
    join(dir, 'kubeconfig-bad-yaml.yaml'),
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]',
      'users:',
      '- name: u',
      '  user:',
      `    token: ${'k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS9ob3N0aWxlLXNlY3JldC10b2tlbg'}`,
      '   - broken: [indentation',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'secret-bad-yaml.yaml'),
    [
      'apiVersion: v1',
      'kind: Secret',
      'metadata: {name: db}',
      'stringData:',
      '  password: hostile-manifest-password-7Q2x',
      '   - broken: [indentation',
      '',
    ].join('\n'),
  );
  return {
    kubeconfigBadYaml: join(dir, 'kubeconfig-bad-yaml.yaml'),
    manifestSecretBadYaml: 'hostile/secret-bad-yaml.yaml',
    specBadDuration: spec('spec-08-bad-duration.yml'),
    specInvalidYaml: spec('spec-09-invalid-yaml.txt'),
    specUnknownKey: spec('spec-03-unknown-key.yml'),
  };
}

beforeAll(async () => {
  world = await startWorld();
  const root = world.scratch;
  escapeDir = join(root, 'tmp');
  mkdirSync(escapeDir, { recursive: true });
  const tarDir = join(root, 'tars');
  mkdirSync(tarDir);
  ctx = {
    registryHost: world.cloud.endpoints.registry.host,
    workspace: world.workspace,
    scratch: root,
    digest: world.image.digest,
    tars: writeHostileTars(tarDir),
    files: hostileFiles(world.workspace),
  };
  copyFileSync(
    join(import.meta.dirname, 'fixtures', 'build-hostile-01.yml'),
    join(world.workspace, '.github', 'workflows', 'build-hostile-01.yml'),
  );
  environmentsFile = join(root, 'environments.yml');
  writeEnvironmentsFile(
    join(world.workspace, '.github', 'environments.local.yml'),
    environmentsFile,
    { ...world.cloud.endpoints, kube: world.kube },
    `oci:${world.base.layoutDir}@${world.base.digest}`,
  );
  console.log(`hostile corpus: setup ${Date.now() - started} ms`);
}, 900_000);

/** Each input row's verdict, for test/reliability/results/hostile-inputs.json (issue #15's figures). */
const verdicts: { row: string; target: string; refused: boolean; ms: number }[] = [];

afterAll(async () => {
  console.log(`hostile corpus: ${Date.now() - started} ms in all`);
  // only a run of the whole corpus is a figure
  if (verdicts.length === CASES.length) {
    const refused = verdicts.filter((v) => v.refused);
    recordResult('hostile-inputs.json', {
      suite: 'hostile-inputs',
      rows: verdicts.length,
      refused: refused.length,
      byTarget: Object.fromEntries(
        [...new Set(verdicts.map((v) => v.target))].sort().map((t) => [
          t,
          {
            rows: verdicts.filter((v) => v.target === t).length,
            refused: refused.filter((v) => v.target === t).length,
          },
        ]),
      ),
      notRefused: verdicts.filter((v) => !v.refused).map((v) => v.row),
      // refused, but later than the suite's 10 s (seen only on a loaded machine)
      slowerThan10s: verdicts.filter((v) => v.ms >= 10_000).map((v) => `${v.row} (${v.ms} ms)`),
    });
  }
  await world?.stop();
  if (world?.scratch) rmSync(world.scratch, { recursive: true, force: true });
});

/** The valid inputs each action starts from; a row replaces one of them. */
function baseOptions(target: Exclude<Target, 'build.yml' | 'promote.yml'>, d: RowDirs): HarnessOptions {
  const image = world.image;
  switch (target) {
    case 'maven-build':
      return { workspace: world.workspace, inputs: { arguments: '-o', cache: 'false' } };
    case 'docker-bake':
      return {
        workspace: world.workspace,
        github: { sha: SHA, ref: 'refs/heads/main', repository: 'bakeline-dev/licensing-service' },
        inputs: {
          builder: 'jar',
          jar: 'target/*.jar',
          'image-name': 'licensing-service',
          'base-image': `oci:${world.base.layoutDir}`,
          'source-date-epoch': SDE,
          ports: '8080',
          'output-dir': d.bakeOut,
        },
      };
    case 'platform-test':
      return {
        workspace: world.workspace,
        inputs: { archive: image.archive, digest: image.digest, spec: 'platform-test.yml' },
      };
    case 'ecr-push':
      return pushOptions(world, { layout: image.layout, digest: image.digest, tags: 'sha-0123abc' });
    case 'eks-promote':
      return promoteOptions(world, { image: image.uri });
  }
}

function withOverrides(base: Record<string, string>, row: HostileInputCase, value: string): Record<string, string> {
  const inputs: Record<string, string> = { ...base };
  for (const [k, v] of Object.entries(row.with ?? {})) {
    if (v === undefined) delete inputs[k];
    else inputs[k] = v;
  }
  inputs[row.input] = value;
  return inputs;
}

function rowDirs(index: number): RowDirs {
  const root = join(world.scratch, 'rows', String(index));
  const d = {
    runnerTemp: join(root, 'runner-temp'),
    toolCache: join(root, 'tool-cache'),
    tmp: join(root, 'tmp'),
    bakeOut: join(root, 'bake-out'),
  };
  for (const dir of Object.values(d)) mkdirSync(dir, { recursive: true });
  return d;
}

/** The harness's own step directories are not the action's doing. */
function actionFiles(d: RowDirs): ReturnType<typeof snapshotFiles> {
  const snap = snapshotFiles([world.workspace, escapeDir, d.runnerTemp, d.toolCache, d.tmp, d.bakeOut]);
  return Object.fromEntries(Object.entries(snap).filter(([p]) => !p.startsWith(join(d.runnerTemp, 'bakeline-step-'))));
}

function clearHarnessDirs(d: RowDirs): void {
  for (const name of readdirSync(d.runnerTemp)) {
    if (name.startsWith('bakeline-step-')) rmSync(join(d.runnerTemp, name), { recursive: true, force: true });
  }
}

// two rows run at once (two cores); a row's own checks stay in its slot
const slots = limiter(2);
/** The rows that could touch the cluster hold this too: one at a time, so a change is the row's own. */
const cluster = limiter(1);

/** `few` and `many` merged, each in its order, with the items of `few` spread evenly among `many`. */
function spreadEvenly<T>(few: readonly T[], many: readonly T[]): T[] {
  const merged: T[] = [];
  let i = 0;
  let j = 0;
  while (i < few.length || j < many.length) {
    // take from `few` while it is behind its share of what has been taken so far
    const behind = (i + 0.5) * (few.length + many.length) <= (i + j + 1) * few.length;
    if (i < few.length && (behind || j >= many.length)) merged.push(few[i++] as T);
    else merged.push(many[j++] as T);
  }
  return merged;
}

/** What anyone would see: the `::add-mask::` lines that register a secret are the runner's, never shown. */
function printed(result: HarnessResult): string {
  const shown = (text: string) =>
    text
      .split(/\r\n|\r|\n/)
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
  return [shown(result.stdout), shown(result.stderr), result.summary, ...result.annotations.map((a) => a.message)].join(
    '\n',
  );
}

async function runRow(
  row: HostileInputCase,
  value: string,
  d: RowDirs,
): Promise<{ exitCode: number; first: string; printed: string }> {
  if (row.target === 'build.yml' || row.target === 'promote.yml') return runWorkflowRow(row, value, d);
  const base = baseOptions(row.target, d);
  const result = await runBundledAction(row.target, {
    ...base,
    inputs: withOverrides(base.inputs ?? {}, row, value),
    runnerTemp: d.runnerTemp,
    toolCache: d.toolCache,
    env: { ...(base.env ?? {}), TMPDIR: d.tmp },
    // a refusal takes a second or two; 12 s is far beyond it and bounds a hang (a crafted tar looped forever)
    timeoutMs: 12_000,
  });
  return { exitCode: result.exitCode, first: firstError(result), printed: printed(result) };
}

async function runWorkflowRow(row: HostileInputCase, value: string, d: RowDirs) {
  const runDir = mkdtempSync(join(tmpdir(), 'bakeline-hostile-run-'));
  const logs: string[] = [];
  try {
    const build = row.target === 'build.yml';
    const via = build ? (row.input === 'arguments' ? 'maven-arguments' : row.input) : row.input;
    const outcome = await runWorkflow({
      workflow: join(world.workspace, '.github', 'workflows', build ? 'build-hostile-01.yml' : 'promote.yml'),
      event: 'workflow_dispatch',
      inputs: build ? { [via]: value } : { environment: 'dev', [via]: value },
      repoDir: world.workspace,
      repository: world.cloud.endpoints.githubRepository,
      environments: loadEnvironments(environmentsFile),
      idTokenIssuer: httpIdTokenIssuer(world.cloud.endpoints.oidc.idTokenGrantUrl),
      // GitHub's attestations API of the local cloud (publish stores there; never api.github.com)
      githubApi: { url: world.cloud.endpoints.github.apiUrl, token: world.cloud.endpoints.github.token },
      runDir,
      toolCache: d.toolCache,
      env: { TMPDIR: d.tmp },
      // each row is a run of its own: rows running side by side must not queue behind each other
      // in build.yml's workflow-level concurrency group, as runs of one repository would
      concurrency: new ConcurrencyGroups(),
      onEvent: (event) => {
        if (event.type === 'log') logs.push(event.line);
      },
    });
    const text = logs.join('\n');
    const error = runnerCommands(text).find((c) => c.command.toLowerCase() === 'error');
    return {
      exitCode: outcome.result.result === 'success' ? 0 : 1,
      first: error?.data.split('\n')[0] ?? '',
      printed: text,
    };
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

function rowName(row: HostileInputCase): string {
  // a computed value is shown by its expression, e.g. `${c.registryHost}/ostock/licensing-service:latest`
  const shown = (
    typeof row.value === 'function' ? row.value.toString().replace(/^\(?c\)? => /, '') : JSON.stringify(row.value)
  ).slice(0, 60);
  return `${row.target} ${row.input}=${shown}${row.guards ? ` [guards ${row.guards.split(':')[0]}]` : ''}`;
}

describe('hostile input values: exit 1, the first error line names the input and what was expected, nothing changes', () => {
  test('the corpus has at least 60 rows over the five actions and both reusable workflows', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((c) => c.target))).toEqual(
      new Set(['maven-build', 'docker-bake', 'platform-test', 'ecr-push', 'eks-promote', 'build.yml', 'promote.yml']),
    );
  });

  // Rows run two at a time, each with its own RUNNER_TEMP, tool cache, TMPDIR and output directory;
  // the rows that could touch the cluster run one at a time among themselves, so a change is the
  // row's own (beside them run only rows of steps that never talk to the cluster).
  const rows = CASES.map((row, index) => ({ name: rowName(row), row, index }));
  const isolated = (row: HostileInputCase) => row.target === 'eks-promote' || row.target === 'promote.yml';
  const checkRow = async ({ row, index }: (typeof rows)[number], expect: ExpectStatic) => {
    const d = rowDirs(index);
    const touchesCluster = isolated(row);
    const workflow = row.target === 'build.yml' || row.target === 'promote.yml';
    const before = {
      files: actionFiles(d),
      registry: snapshotRegistry(world.cloud),
      cluster: touchesCluster ? await snapshotCluster(world) : {},
    };
    const value = typeof row.value === 'function' ? row.value(ctx) : row.value;
    const t0 = Date.now();
    const outcome = await runRow(row, value, d);
    const ms = Date.now() - t0;
    clearHarnessDirs(d);
    const after = {
      files: fileChanges(before.files, actionFiles(d)),
      registry: snapshotRegistry(world.cloud),
      cluster: touchesCluster ? await snapshotCluster(world) : {},
    };
    const named =
      row.names === 'value'
        ? outcome.first.includes(value)
        : workflow
          ? outcome.first.includes(row.input)
          : outcome.first.startsWith(`Input '${row.input}'`);
    verdicts.push({
      row: rowName(row),
      target: row.target,
      ms,
      refused:
        outcome.exitCode === 1 &&
        named &&
        row.expected.test(outcome.first) &&
        (row.secret === undefined || !outcome.printed.includes(row.secret)) &&
        after.files.length === 0 &&
        JSON.stringify(after.registry) === JSON.stringify(before.registry) &&
        JSON.stringify(after.cluster) === JSON.stringify(before.cluster),
    });
    // soft: a row that fails on its message still reports whether it leaked or changed anything
    expect.soft(outcome.exitCode, `${outcome.first}\n${outcome.printed.slice(-3000)}`).toBe(1);
    if (row.names === 'value') expect.soft(outcome.first, 'the first error line names the file').toContain(value);
    else if (workflow) expect.soft(outcome.first, 'the first error line names the input').toContain(row.input);
    else expect.soft(outcome.first.startsWith(`Input '${row.input}'`), `first error line: ${outcome.first}`).toBe(true);
    expect.soft(outcome.first).toMatch(row.expected);
    if (row.secret !== undefined)
      expect.soft(outcome.printed, 'a secret of the row is printed').not.toContain(row.secret);
    expect.soft(ms, 'a refusal comes within seconds').toBeLessThan(10_000);
    expect.soft(after.files, 'files changed').toEqual([]);
    expect.soft(after.registry, 'the registry changed').toEqual(before.registry);
    if (touchesCluster) expect.soft(after.cluster, 'the cluster changed').toEqual(before.cluster);
  };
  // the cluster rows spread evenly through the table: vitest starts a few concurrent tests at a time
  // (maxConcurrency), and cluster rows bunched together would wait on each other and leave a slot idle
  const table = spreadEvenly(
    rows.filter((r) => isolated(r.row)),
    rows.filter((r) => !isolated(r.row)),
  ).map((r) => [r.name, r] as [string, (typeof rows)[number]]);
  test.concurrent.for(table)('%s', ([, r], { expect }) =>
    isolated(r.row) ? cluster(() => slots(() => checkRow(r, expect))) : slots(() => checkRow(r, expect)),
  );
});

// ---------------------------------------------------------------------------------------------
// Hostile bytes inside relayed text

interface Relayed {
  exitCode: number;
  outputs: Record<string, string>;
  annotations: string[];
  stdout: string;
}

function relayed(result: HarnessResult): Relayed {
  return {
    exitCode: result.exitCode,
    outputs: result.outputs,
    // level, file, line and title: the annotation as a reader sees it, without the relayed words
    annotations: result.annotations.map((a) => `${a.level} ${a.file ?? ''}:${a.line ?? ''} ${a.title ?? ''}`),
    stdout: result.stdout,
  };
}

async function withServer<T>(respond: Responder, use: (server: HostileServer) => Promise<T>): Promise<T> {
  const server = await startHostileServer(respond);
  try {
    return await use(server);
  } finally {
    await server.close();
  }
}

/**
 * Runs `step` against a hostile text and its benign twin, side by side (each with a server of its
 * own); the hostile one must end the same way.
 */
async function compareWithTwin(
  step: (text: string, twin: 'hostile' | 'benign') => Promise<HarnessResult>,
  normalize: (r: Relayed) => Relayed = (r) => r,
) {
  const [hostile, benign] = (
    await Promise.all([step(HOSTILE_TEXT, 'hostile'), step('a plain message from the server', 'benign')])
  ).map(relayed) as [Relayed, Relayed];
  const injected = injectedCommands(hostile.stdout, MARKER);
  expect(injected.map((c) => `line ${c.line}: ${JSON.stringify(c.raw)}`)).toEqual([]);
  const strip = (r: Relayed) => {
    const n = normalize(r);
    return { exitCode: n.exitCode, outputs: n.outputs, annotations: n.annotations };
  };
  expect(strip(hostile)).toEqual(strip(benign));
  return { hostile, benign };
}

const ambient = () => {
  const user = world.cloud.endpoints.credentials;
  return {
    AWS_ACCESS_KEY_ID: user.accessKeyId,
    AWS_SECRET_ACCESS_KEY: user.secretAccessKey,
    AWS_REGION: world.cloud.endpoints.region,
  };
};

describe('hostile bytes inside relayed text never become a workflow command, and the verdict stays', () => {
  test('ecr-push: an ECR API error message', async () => {
    await compareWithTwin((text) =>
      withServer(awsJsonError(text), (server) =>
        runBundledAction('ecr-push', {
          workspace: world.workspace,
          inputs: {
            layout: world.image.layout,
            digest: world.image.digest,
            repository: 'ostock/relay',
            'ecr-endpoint': server.url,
          },
          env: ambient(),
          timeoutMs: 60_000,
          allowContractViolations: true,
        }),
      ),
    );
  });

  test('ecr-push: an STS error message on AssumeRoleWithWebIdentity', async () => {
    await compareWithTwin((text) =>
      withServer(stsXmlError(text), (server) => {
        const options = pushOptions(world, {
          layout: world.image.layout,
          digest: world.image.digest,
          'sts-endpoint': server.url,
        });
        return runBundledAction('ecr-push', { ...options, timeoutMs: 60_000, allowContractViolations: true });
      }),
    );
  });

  test('eks-promote: an EKS DescribeCluster error message', async () => {
    await compareWithTwin((text) =>
      withServer(awsJsonError(text), (server) => {
        const options = promoteOptions(world, { image: world.image.uri, 'eks-endpoint': server.url });
        return runBundledAction('eks-promote', { ...options, timeoutMs: 60_000, allowContractViolations: true });
      }),
    );
  });

  test('eks-promote: a Kubernetes API Status message (kubeconfig to a server that refuses)', async () => {
    await compareWithTwin((text, twin) =>
      withServer(
        plainBody(
          403,
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: text,
            reason: 'Forbidden',
            code: 403,
          }),
          'application/json',
        ),
        (server) => {
          const kubeconfig = join(world.scratch, `kubeconfig-relay-${twin}.yaml`);
          writeFileSync(
            kubeconfig,
            `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${server.url}"}}]\nusers: [{name: u, user: {token: relay-token-1}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`,
          );
          const options = promoteOptions(world, { image: world.image.uri });
          const inputs = { ...options.inputs, kubeconfig } as Record<string, string>;
          delete inputs['cluster-name'];
          delete inputs['role-to-assume'];
          return runBundledAction('eks-promote', {
            ...options,
            inputs,
            timeoutMs: 60_000,
            allowContractViolations: true,
          });
        },
      ),
    );
  });

  test("platform-test: an application's HTTP body quoted in a failed check (base-url)", async () => {
    const spec = join(world.workspace, 'hostile', 'relay-spec.yml');
    writeFileSync(
      spec,
      'checks:\n  - name: reports UP\n    http:\n      path: /actuator/health\n      expect:\n        status: 200\n        bodyContains: [UP]\n',
    );
    await compareWithTwin(
      (text, twin) =>
        withServer(plainBody(500, text), (server) =>
          runBundledAction('platform-test', {
            workspace: world.workspace,
            inputs: {
              'base-url': server.url,
              spec: 'hostile/relay-spec.yml',
              'junit-path': `hostile/relay-junit-${twin}.xml`,
            },
            timeoutMs: 60_000,
            allowContractViolations: true,
          }),
        ),
      (r) => ({ ...r, outputs: { ...r.outputs, 'junit-path': '' } }),
    );
  });

  // The next three run once each (a container, a Maven build, a docker build are slow): the hostile
  // and the benign twin sit side by side in the same run, and must end the same way. The three run
  // at the same time (each in files of its own: the workspace's hostile/ folder, a copy of the
  // workspace without it, a scratch output directory).

  test.concurrent('platform-test: command checks whose output is hostile and benign, in the container of the image under test', async ({
    expect,
  }) => {
    const spec = join(world.workspace, 'hostile', 'command-spec.yml');
    const script = (text: string) =>
      `printf '%s\\n' ${text
        .split('\n')
        .map((l) => `'${l.replaceAll("'", `'"'"'`)}'`)
        .join(' ')}; exit 3`;
    const check = (name: string, text: string) =>
      `  - name: ${name}\n    command:\n      run: [/bin/sh, -c, ${JSON.stringify(script(text))}]\n      expect:\n        exitCode: 0\n        stdoutNotMatches: .\n`;
    writeFileSync(
      spec,
      `target:\n  port: 8080\n  readiness:\n    http: /actuator/health\nchecks:\n${check('hostile output', HOSTILE_TEXT)}${check('benign output', 'a plain line')}`,
    );
    const result = await runBundledAction('platform-test', {
      workspace: world.workspace,
      inputs: {
        archive: world.image.archive,
        digest: world.image.digest,
        spec: 'hostile/command-spec.yml',
        env: 'PORT=8080',
        'junit-path': 'hostile/command-junit.xml',
      },
      timeoutMs: 180_000,
      allowContractViolations: true,
    });
    expect
      .soft(injectedCommands(result.stdout, MARKER).map((c) => `line ${c.line}: ${JSON.stringify(c.raw)}`))
      .toEqual([]);
    expect(result.exitCode).toBe(1);
    expect(result.outputs).toMatchObject({ passed: '0', failed: '2' });
    const about = (name: string) =>
      result.annotations
        .filter((a) => a.message.includes(name))
        .map((a) => `${a.level} ${a.title ?? ''}`.replace(name, '<check>'));
    expect(about('hostile output')).toEqual(about('benign output'));
  });

  test.concurrent('maven-build: a test named with ##[error] and U+0085, failing with a hostile message, beside its benign twin', async ({
    expect,
  }) => {
    const dir = join(world.scratch, 'maven-relay');
    rmSync(dir, { recursive: true, force: true });
    // the suite's built copy: Maven compiles only what changed
    cpSync(world.workspace, dir, {
      recursive: true,
      preserveTimestamps: true,
      filter: (s) => !s.startsWith(join(world.workspace, 'hostile')),
    });
    const testDir = join(dir, 'src', 'test', 'java', 'com', 'optimagrowth', 'license');
    const java = (s: string) =>
      JSON.stringify(s).replaceAll('\u0085', '\\u0085').replaceAll('\u00a0', '\\u00a0').replaceAll('\u3000', '\\u3000');
    // the same source, line for line, in two classes: their annotations must differ only in the class
    const source = (cls: string, name: string, text: string) => `package com.optimagrowth.license;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.fail;

class ${cls} {
  @Test
  @DisplayName(${java(name)})
  void relays() {
    System.out.println(${java(text)});
    System.err.println(${java(text)});
    fail(${java(text)});
  }
}
`;
    writeFileSync(join(testDir, 'RelayHostileTest.java'), source('RelayHostileTest', HOSTILE_ONE_LINE, HOSTILE_TEXT));
    writeFileSync(
      join(testDir, 'RelayBenignTest.java'),
      source('RelayBenignTest', 'a plain display name', 'a plain line'),
    );
    const result = await runBundledAction('maven-build', {
      workspace: dir,
      // only the two relaying tests run: the others are not what this case is about
      inputs: {
        arguments: '-o -Dtest=Relay*Test -Dsurefire.failIfNoSpecifiedTests=false',
        cache: 'false',
        'source-date-epoch': SDE,
      },
      timeoutMs: 300_000,
      allowContractViolations: true,
    });
    expect
      .soft(injectedCommands(result.stdout, MARKER).map((c) => `line ${c.line}: ${JSON.stringify(c.raw)}`))
      .toEqual([]);
    expect(result.exitCode).toBe(1);
    expect(result.outputs).toMatchObject({ 'tests-total': '2', 'tests-failed': '2' });
    const of = (cls: string) =>
      result.annotations
        .filter((a) => (a.file ?? '').endsWith(`${cls}.java`) || a.message.includes(cls))
        .map((a) => `${a.level} ${(a.file ?? '').replace(cls, '<class>')}:${a.line ?? ''}`);
    expect(of('RelayHostileTest').length).toBeGreaterThan(0);
    expect(of('RelayHostileTest')).toEqual(of('RelayBenignTest'));
  });

  test.concurrent('docker-bake (dockerfile builder): a RUN step that prints hostile lines during docker build', async ({
    expect,
  }) => {
    const dir = join(world.workspace, 'hostile', 'docker-relay');
    mkdirSync(dir, { recursive: true });
    const lines = HOSTILE_TEXT.split('\n').map((l) => `'${l.replaceAll("'", `'"'"'`)}'`);
    writeFileSync(
      join(dir, 'Dockerfile'),
      `ARG BASE_IMAGE\nFROM \${BASE_IMAGE}\nRUN printf '%s\\n' ${lines.join(' ')}\n`,
    );
    const result = await runBundledAction('docker-bake', {
      workspace: world.workspace,
      github: { sha: SHA, ref: 'refs/heads/main', repository: 'bakeline-dev/licensing-service' },
      inputs: {
        builder: 'dockerfile',
        context: 'hostile/docker-relay',
        'image-name': 'relay',
        'base-image': `oci:${world.base.layoutDir}`,
        'source-date-epoch': SDE,
        'output-dir': join(world.scratch, 'relay-bake'),
      },
      timeoutMs: 300_000,
      allowContractViolations: true,
    });
    expect
      .soft(injectedCommands(result.stdout, MARKER).map((c) => `line ${c.line}: ${JSON.stringify(c.raw)}`))
      .toEqual([]);
    // what the same bake gives without the hostile lines: success, a digest, no annotation
    expect(result.exitCode).toBe(0);
    expect(result.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result.outputs.image).toBe(`relay@${result.outputs.digest}`);
    expect(result.annotations.filter((a) => a.level === 'error' || a.message.includes(MARKER))).toEqual([]);
  });
});
