// The secret scan of a whole main-job run (issue #12, "Suites to build" 2). The main job of
// scripts/main.ts (build.yml on a push, promote.yml dev -> test -> prod) runs into a directory of
// its own against a local cloud started here, whose state and log go into the same directory.
// The secrets are read back where they are minted: every STS session (secret access key, session
// token) and ECR registry password the cloud issues, every EKS bearer token its Kubernetes API
// receives, the runner's GitHub token of each run; a `secret-env` value is planted through a
// platform-test step on the run's own image artifact (build.yml takes no secret-env). Then every
// file under the directory is read (run directories with each job's workspace, RUNNER_TEMP and
// JUnit files, artifacts, summaries, outputs, the printed log, the cloud's state, log and request
// logs) and searched for each secret raw, URL-encoded, and in base64 and base64url at the three
// alignments. Zero hits; a canary planted in one file is found, which proves the scan looks.
import { appendFileSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ensureBaseImage } from '@bakeline/bake';
import { CredentialStore, type LocalCloud, RegistryTokens, startLocalCloud } from '@bakeline/local-cloud';
import { repoRoot, runBundledAction } from '@bakeline/test/harness';
import { silentLogger } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Authenticator } from '../../packages/local-cloud/src/kube/auth/authenticate.ts';
import { writeEnvironmentsFile } from '../../scripts/main/environments-file.ts';
import { recordResult } from '../reliability/record-result.ts';
import { type MainJobResult, runMainJob } from './main-job.ts';
import { filesUnder, type Secret, scanFiles, stableBase64 } from './scanner.ts';

const REPOSITORY = 'bakeline-dev/licensing-service';

let dir: string;
let cloud: LocalCloud;
let job: MainJobResult;
const minted: (Secret & { minter: string })[] = [];
const restore: (() => void)[] = [];
const started = Date.now();

/** Wraps a method so every value it mints is recorded; the original runs unchanged. */
function observe<T extends object, K extends keyof T>(
  proto: T,
  method: K,
  record: (result: unknown, args: unknown[]) => void,
) {
  const original = proto[method] as unknown as (...args: unknown[]) => unknown;
  (proto as Record<K, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    if (result instanceof Promise) {
      return result.then((value: unknown) => {
        record(value, args);
        return value;
      });
    }
    record(result, args);
    return result;
  };
  restore.push(() => {
    (proto as Record<K, unknown>)[method] = original;
  });
}

beforeAll(async () => {
  observe(CredentialStore.prototype, 'issueTemporary', (creds) => {
    const c = creds as { secretAccessKey: string; sessionToken?: string; principal: { arn: string } };
    minted.push({ name: `STS secret access key of ${c.principal.arn}`, value: c.secretAccessKey, minter: 'sts' });
    if (c.sessionToken)
      minted.push({ name: `STS session token of ${c.principal.arn}`, value: c.sessionToken, minter: 'sts' });
  });
  observe(RegistryTokens.prototype, 'issue', (token) => {
    minted.push({ name: 'ECR registry password', value: (token as { password: string }).password, minter: 'ecr' });
  });
  observe(Authenticator.prototype, 'authenticate', (_user, args) => {
    const header = (args[0] as IncomingMessage).headers.authorization ?? '';
    const token = header.replace(/^Bearer\s+/i, '');
    if (token.startsWith('k8s-aws-v1.') && !minted.some((m) => m.value === token)) {
      minted.push({ name: 'EKS bearer token', value: token, minter: 'eks' });
    }
  });

  dir = mkdtempSync(join(tmpdir(), 'bakeline-secret-scan-'));
  const cloudLog = join(dir, 'local-cloud.log');
  cloud = await startLocalCloud({
    githubRepository: REPOSITORY,
    stateDir: join(dir, 'local-cloud'),
    log: (line) => appendFileSync(cloudLog, `${line}\n`),
    pipelineIam: 'terraform-snapshot',
  });
  const base = await ensureBaseImage({ logger: silentLogger });
  const service = join(dir, 'service', 'licensing-service');
  cpSync(join(repoRoot, 'examples', 'licensing-service'), service, {
    recursive: true,
    filter: (s) => !s.includes('/target'),
  });
  // the environments file is the run's input, not its output: kept outside the scanned directory
  const environmentsFile = join(mkdtempSync(join(tmpdir(), 'bakeline-secret-scan-env-')), 'environments.yml');
  const kube = cloud.endpoints.kube as { clusterName: string; eks: string };
  writeEnvironmentsFile(
    join(service, '.github', 'environments.local.yml'),
    environmentsFile,
    { ...cloud.endpoints, kube },
    `oci:${base.layoutDir}@${base.digest}`,
  );
  job = await runMainJob({
    service,
    repository: REPOSITORY,
    environmentsFile,
    idTokenGrantUrl: cloud.endpoints.oidc.idTokenGrantUrl,
    githubApi: { url: cloud.endpoints.github.apiUrl, token: cloud.endpoints.github.token },
    runsDir: join(dir, 'runs'),
    toolCache: join(dir, 'tool-cache'),
    outFile: join(dir, 'main-job.out'),
  });
  rmSync(join(environmentsFile, '..'), { recursive: true, force: true });
  console.log(`secret scan: main job done in ${Date.now() - started} ms, digest ${job.digest}`);
}, 1_200_000);

afterAll(async () => {
  for (const undo of restore.splice(0)) undo();
  await cloud?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  console.log(`secret scan: ${Date.now() - started} ms in all`);
});

/** platform-test on the build's own artifact with a planted secret-env value that the image echoes. */
async function plantSecretEnv(value: string): Promise<void> {
  const workspace = join(dir, 'secret-env', 'workspace');
  const runnerTemp = join(dir, 'secret-env', 'runner-temp');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(runnerTemp, { recursive: true });
  const archive = join(job.runs[0]?.artifactsDir ?? '', 'bakeline-oci-licensing-service', 'files', 'image.oci.tar');
  copyFileSync(
    join(repoRoot, 'examples', 'licensing-service', 'platform-test.yml'),
    join(workspace, 'platform-test.yml'),
  );
  writeFileSync(
    join(workspace, 'platform-test.yml'),
    `${'target:\n  port: 8080\n  readiness:\n    http: /actuator/health\n'}checks:\n  - name: the secret stays in the container\n    command:\n      run: [/bin/sh, -c, 'echo "db password is $DB_PASSWORD"; echo "$DB_PASSWORD" >&2']\n      expect:\n        stdoutNotMatches: password\n`,
  );
  const result = await runBundledAction('platform-test', {
    workspace,
    runnerTemp,
    inputs: {
      archive,
      digest: job.digest,
      spec: 'platform-test.yml',
      env: 'PORT=8080',
      'secret-env': `DB_PASSWORD=${value}`,
      'junit-path': 'platform-test.junit.xml',
    },
    timeoutMs: 180_000,
  });
  // what the runner would show (masked) and what the step left in its files; the raw stdout carries
  // the value only inside its own ::add-mask:: line, which the runner consumes
  writeFileSync(join(dir, 'secret-env', 'step.log'), result.log);
  writeFileSync(join(dir, 'secret-env', 'summary.md'), result.summary);
  writeFileSync(
    join(dir, 'secret-env', 'outputs.json'),
    JSON.stringify({ outputs: result.outputs, annotations: result.annotations }),
  );
  const rawOutsideMasks = `${result.stdout}\n${result.stderr}`
    .split(/\r\n|\r|\n/)
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  writeFileSync(join(dir, 'secret-env', 'raw-output-outside-add-mask.txt'), rawOutsideMasks);
  expect(result.outputs.failed, 'the check that echoes the secret fails, as written').toBe('1');
}

describe('secret scan of a whole main-job run', () => {
  test('no planted or minted secret appears anywhere, in any encoding; a canary is found', async () => {
    const secretEnv = `planted-secret-env-${Date.now().toString(36)}-Zq8/+w`;
    await plantSecretEnv(secretEnv);
    const github = job.runs.map((run, i) => ({
      name: `GitHub token of run ${i + 1}`,
      value: `ghs_local${run.snapshot.sha.slice(0, 20)}`,
    }));
    const secrets: Secret[] = [
      ...new Map(minted.map((m) => [m.value, { name: m.name, value: m.value }])).values(),
      { name: 'platform-test secret-env value', value: secretEnv },
      ...github,
    ];
    const kinds = (what: string) => minted.filter((m) => m.name.startsWith(what)).length;
    // the run really minted what the scan looks for
    expect(kinds('STS secret access key')).toBeGreaterThanOrEqual(4);
    expect(kinds('STS session token')).toBeGreaterThanOrEqual(4);
    expect(kinds('ECR registry password')).toBeGreaterThanOrEqual(1);
    expect(kinds('EKS bearer token')).toBeGreaterThanOrEqual(3);

    // dumps of the cloud's in-memory state and request logs, read like every other file
    const dumps = join(dir, 'local-cloud-dumps');
    mkdirSync(dumps, { recursive: true });
    writeFileSync(join(dumps, 'registry-log.json'), JSON.stringify(cloud.admin.registryLog()));
    writeFileSync(
      join(dumps, 'ecr-repositories.json'),
      JSON.stringify(
        cloud.admin.ecr.listRepositories().map((r) => ({ ...r, images: [...r.images.keys()], tags: [...r.tags] })),
      ),
    );
    const kube = cloud.admin.kube as { requestLog(): unknown; authFailures(): unknown };
    writeFileSync(join(dumps, 'kube-request-log.json'), JSON.stringify(kube.requestLog()));
    writeFileSync(join(dumps, 'kube-auth-failures.json'), JSON.stringify(kube.authFailures()));

    // the canary: a secret nobody prints, planted base64-encoded at byte 1 of a line in one file
    const canary = { name: 'canary', value: `canary-${Math.random().toString(36).slice(2)}-secret-value` };
    const canaryFile = join(job.runs[1]?.runDir ?? dir, 'canary', 'note.txt');
    mkdirSync(join(canaryFile, '..'), { recursive: true });
    writeFileSync(canaryFile, `header\n${Buffer.from(`x${canary.value}y`).toString('base64')}\n`);
    expect(stableBase64(Buffer.from(canary.value), 1, false).length).toBeGreaterThan(8);

    const scanStarted = Date.now();
    const files = filesUnder([dir]);
    const report = scanFiles(files, [...secrets, canary]);
    const scanMs = Date.now() - scanStarted;
    const byTop = new Map<string, number>();
    for (const f of files) {
      const top = relative(dir, f).split('/').slice(0, 2).join('/');
      byTop.set(top, (byTop.get(top) ?? 0) + 1);
    }
    console.log(
      [
        `secret scan: ${secrets.length} secrets, ${report.files.length} files, ${report.bytes} bytes read in ${scanMs} ms under ${dir}`,
        ...[...byTop].map(([top, n]) => `  ${n}\t${top}`),
        'files read:',
        ...report.files.map((f) => `  ${relative(dir, f)}`),
      ].join('\n'),
    );
    expect(report.files.length).toBeGreaterThan(100);
    for (const expected of ['main-job.out', 'local-cloud.log', 'summary.md', 'outputs.json', 'step.log', 'junit.xml']) {
      expect(
        report.files.some((f) => f.endsWith(expected)),
        `the scan reads a ${expected}`,
      ).toBe(true);
    }
    const canaryHits = report.hits.filter((h) => h.secret === 'canary');
    expect(canaryHits.map((h) => h.file)).toEqual([canaryFile]);
    expect(canaryHits[0]?.form.split('|')).toContain('base64@1');
    const leaks = report.hits
      .filter((h) => h.secret !== 'canary')
      .map((h) => `${h.secret} (${h.form}) in ${relative(dir, h.file)} at byte ${h.offset}`);
    recordResult('secret-scan.json', {
      suite: 'secret-scan',
      secretsSearched: secrets.length,
      files: report.files.length,
      bytes: report.bytes,
      secretsFound: new Set(report.hits.filter((h) => h.secret !== 'canary').map((h) => h.secret)).size,
      hits: leaks.length,
      canaryFound: canaryHits.length === 1,
    });
    expect(leaks).toEqual([]);
  });
});
