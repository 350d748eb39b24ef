// eks-promote against hostile values, from its bundle through the harness, against the local
// cloud: image references refused before anything changes on the cluster; credentials (the EKS
// token, a kubeconfig's token and client key, a Secret's stringData) masked before anything can
// print them and never quoted by a YAML error; event messages and pod logs that carry workflow
// commands printed inert, so the step's verdict, outputs and annotations stay the rollout's.
// Time budget: about 1.5 minutes (busybox images, one short failing rollout).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeCloudAdmin, LocalCloud } from '@bakeline/local-cloud';
import { type HarnessResult, runBundledAction } from '@bakeline/test/harness';
import {
  busyboxPusher,
  createEcrRepository,
  expectSuccess,
  failureOf as failure,
  kubeOf,
  promotionRun,
  startTestCloud,
  type TempWorkspace,
  tempWorkspace,
  testDeploymentYaml,
} from '@bakeline/test-fixtures';
import { exec, execChecked } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';

const SHA = '89abcdef0123456789abcdef0123456789abcdef';
const REPO = 'ostock/hostile-service';
const WORKLOAD = 'hostile-service';
const NAMESPACE = 'dev';

let cloud: LocalCloud;
let kube: KubeCloudAdmin;
let kubeEndpoints: { clusterName: string; kubeconfig: string; eks: string };
let workspace: string;
let workspaceDir: TempWorkspace | undefined;
const image = { good: '', crash: '' };

/**
 * Hostile text as it can reach the log: `::` commands, `##[` at the start and in mid-line, a
 * U+0085 lead (.NET's TrimStart strips it), `%0A`, a `\r` line break, and stop-commands (which
 * would swallow the step's own ::error::). Each carries a marker that must never become a command.
 */
const HOSTILE: [string, string][] = [
  ['::error:: at the start', '::error::injected-1'],
  ['::add-mask::', '::add-mask::injected-2'],
  ['::set-output', '::set-output name=rolled-back::injected-3'],
  ['##[ at the start', '##[error]injected-4'],
  ['##[ in mid-line', 'harmless text ##[warning]injected-5'],
  ['a U+0085 lead', '\u0085::error::injected-6'],
  ['%0A before a command', '%0A::error::injected-7'],
  ['\\r as a line break', 'progress 50%\r::error::injected-8'],
  ['stop-commands', '::stop-commands::injected-9'],
];

/** Everything the run printed except the runner's own `::add-mask::` lines. */
function printed(result: HarnessResult): string {
  return `${result.stdout}\n${result.stderr}`
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

function promotion(inputs: Record<string, string>) {
  return promotionRun(cloud, {
    workspace,
    sha: SHA,
    runId: '5151',
    environment: NAMESPACE,
    workload: WORKLOAD,
    inputs: {
      // an image pushed by this test, not built by build.yml: the gate is tested in
      // attestations.int.test.ts and acceptance.int.test.ts
      'verify-attestations': 'warn',
      timeout: '2m',
      'stuck-grace': '4s',
      ...inputs,
    },
    timeoutMs: 150_000,
  });
}

function manifest(command?: string[]): string {
  return testDeploymentYaml({
    name: WORKLOAD,
    containerName: WORKLOAD,
    progressDeadlineSeconds: 30,
    ...(command ? { command } : {}),
  });
}

async function kubectl(...args: string[]): Promise<string> {
  return (await execChecked('kubectl', ['--kubeconfig', kubeEndpoints.kubeconfig, ...args], { timeoutMs: 60_000 }))
    .stdout;
}

async function resourceVersion(): Promise<string> {
  return (
    await kubectl('-n', NAMESPACE, 'get', 'deployment', WORKLOAD, '-o', 'jsonpath={.metadata.resourceVersion}')
  ).trim();
}

function writesSince(at: Date) {
  return kube.requestLog().filter((r) => r.at >= at && r.method !== 'GET');
}

beforeAll(async () => {
  workspaceDir = tempWorkspace('bakeline-eks-promote-hostile-');
  workspace = workspaceDir.path;
  mkdirSync(join(workspace, 'k8s'));
  writeFileSync(join(workspace, 'k8s', 'deployment.yaml'), manifest());
  writeFileSync(
    join(workspace, 'k8s', 'crash.yaml'),
    manifest(['/bin/busybox', 'sh', '-c', 'cat /hostile.txt; sleep 1; exit 1']),
  );
  // the roles and access entries terraform apply of the example creates
  cloud = await startTestCloud({ pipelineIam: 'terraform-snapshot' });
  ({ admin: kube, endpoints: kubeEndpoints } = kubeOf(cloud));
  await createEcrRepository(cloud, REPO);
  const push = busyboxPusher(cloud, REPO);
  image.good = await push('good', { 'www/actuator/health': '{"status":"UP"}' });
  image.crash = await push('crash', { 'hostile.txt': `${HOSTILE.map(([, text]) => text).join('\n')}\n` });
}, 300_000);

afterAll(async () => {
  workspaceDir?.remove();
  await cloud?.stop();
});

describe('eks-promote with hostile values', () => {
  let eksPromotion: HarnessResult;

  test('a promotion through EKS masks the bearer token before anything can print it', async () => {
    eksPromotion = await runBundledAction(
      'eks-promote',
      promotion({ image: image.good, manifests: 'k8s/deployment.yaml' }),
    );
    expectSuccess(eksPromotion);
    const tokens = eksPromotion.masks.filter((m) => m.startsWith('k8s-aws-v1.'));
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) {
      expect(printed(eksPromotion)).not.toContain(token);
      expect(eksPromotion.log).not.toContain(token);
    }
  });

  test.each([
    [
      'an empty tag before the digest',
      () => `${image.good.slice(0, image.good.indexOf('@'))}:${image.good.slice(image.good.indexOf('@'))}`,
    ],
    ['an upper-case repository', () => image.good.replace(REPO, REPO.toUpperCase())],
    [
      'an upper-case digest',
      () => image.good.replace(/@sha256:(\w+)$/, (_m, hex: string) => `@sha256:${hex.toUpperCase()}`),
    ],
    ['a workflow command after a newline', () => `${image.good}\n::error::injected`],
    ['a tag without allow-tag', () => `${cloud.endpoints.registry.host}/${REPO}:good`],
  ])(
    'image with %s: exit 1, the first error line names the input, nothing changes on the cluster',
    async (_what, value) => {
      const before = await resourceVersion();
      const started = new Date();
      const result = await runBundledAction(
        'eks-promote',
        promotion({ image: value(), manifests: 'k8s/deployment.yaml' }),
      );
      expect(result.exitCode).toBe(1);
      expect(failure(result).split('\n')[0]).toMatch(
        /^Input 'image': got ".*"(, a tag)?; expected repository@sha256:<64 hex>/,
      );
      expect(writesSince(started)).toEqual([]);
      expect(kube.requestLog().filter((r) => r.at >= started)).toEqual([]);
      expect(await resourceVersion()).toBe(before);
      expect(result.annotations.map((a) => a.message).join('\n')).not.toMatch(/^injected/m);
    },
  );

  test('a kubeconfig whose token line breaks the YAML: the error names file, line and column, never the token', async () => {
    const token = 'kubeconfigTokenThatMustNotLeak-0123456789';
    const admin = readFileSync(kubeEndpoints.kubeconfig, 'utf8');
    // a user whose token line is not valid YAML (a second `: ` and an open quote)
    const broken =
      `${admin.trimEnd()}\n${stringify({ extra: [{ name: 'leaked', user: { token: 'TOKEN' } }] })}`.replace(
        'token: TOKEN',
        `token: ${token}: "x`,
      );
    writeFileSync(join(workspace, 'broken.kubeconfig'), broken);
    const started = new Date();
    const result = await runBundledAction(
      'eks-promote',
      promotion({ 'cluster-name': '', 'role-to-assume': '', kubeconfig: 'broken.kubeconfig', image: image.good }),
    );
    expect(result.exitCode).toBe(1);
    expect(failure(result)).toMatch(/^kubeconfig .*broken\.kubeconfig:\d+:\d+: invalid YAML \([A-Z_]+\)/);
    expect(printed(result)).not.toContain(token);
    expect(result.log).not.toContain(token);
    expect(writesSince(started)).toEqual([]);
  });

  test('a kubeconfig with a client key and a token: both masked, neither printed', async () => {
    const token = 'kubeconfigTokenOfAnotherUser-9876543210';
    const admin = parse(readFileSync(kubeEndpoints.kubeconfig, 'utf8')) as {
      users: { name: string; user: Record<string, string> }[];
    };
    const keyData = admin.users[0]?.user['client-key-data'] ?? '';
    expect(keyData).not.toBe('');
    admin.users.push({ name: 'other', user: { token } });
    writeFileSync(join(workspace, 'admin.kubeconfig'), stringify(admin));
    const result = await runBundledAction(
      'eks-promote',
      promotion({
        'cluster-name': '',
        'role-to-assume': '',
        kubeconfig: 'admin.kubeconfig',
        image: image.good,
        manifests: 'k8s/deployment.yaml',
      }),
    );
    expectSuccess(result);
    const pem = Buffer.from(keyData, 'base64').toString('utf8');
    expect(result.masks).toEqual(expect.arrayContaining([token, keyData, pem]));
    for (const secret of [token, keyData, ...pem.split('\n').filter((l) => l.length > 20)]) {
      expect(printed(result)).not.toContain(secret);
    }
  });

  test('a Secret manifest whose stringData line breaks the YAML: named by position, the value never printed', async () => {
    const secret = 'stringDataValueThatMustNotLeak-4242';
    writeFileSync(
      join(workspace, 'k8s', 'secret.yaml'),
      `apiVersion: v1\nkind: Secret\nmetadata: { name: db }\nstringData:\n  password: ${secret}: "\n`,
    );
    const before = await resourceVersion();
    const started = new Date();
    const result = await runBundledAction(
      'eks-promote',
      promotion({ image: image.good, manifests: 'k8s/secret.yaml\nk8s/deployment.yaml' }),
    );
    expect(result.exitCode).toBe(1);
    expect(failure(result)).toMatch(/secret\.yaml \(document 1\):\d+:\d+: invalid YAML \([A-Z_]+\)/);
    expect(printed(result)).not.toContain(secret);
    expect(result.log).not.toContain(secret);
    expect(writesSince(started)).toEqual([]);
    expect(await resourceVersion()).toBe(before);
  });

  describe('event messages and pod logs carrying workflow commands', () => {
    let result: HarnessResult;

    beforeAll(async () => {
      const now = Date.now();
      for (const [index, [, message]] of HOSTILE.entries()) {
        const at = new Date(now + 3_600_000 + index * 1000).toISOString();
        const event = {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: `${WORKLOAD}.hostile-${index}`, namespace: NAMESPACE },
          involvedObject: { kind: 'Deployment', name: WORKLOAD, namespace: NAMESPACE, apiVersion: 'apps/v1' },
          reason: 'Hostile',
          message,
          type: 'Warning',
          firstTimestamp: at,
          lastTimestamp: at,
          count: 1,
          source: { component: 'test' },
        };
        const file = join(workspace, `event-${index}.json`);
        writeFileSync(file, JSON.stringify(event));
        await kubectl('create', '-f', file);
      }
      result = await runBundledAction('eks-promote', promotion({ image: image.crash, manifests: 'k8s/crash.yaml' }));
    }, 180_000);

    test('the verdict is the rollout’s: exit 1, rolled back, one error annotation, no command from the text', () => {
      expect(result.exitCode).toBe(1);
      expect(result.outputs['rolled-back']).toBe('true');
      // the digest that runs after the restore, not the one that crashed
      expect(result.outputs.digest).toBe(image.good.slice(image.good.indexOf('@') + 1));
      // besides the failure, only the attestation warning: this test sets verify-attestations: warn
      // while build.yml does not sign (docs/attestations.md)
      expect(result.annotations.filter((a) => a.level === 'error')).toHaveLength(1);
      expect(result.annotations.filter((a) => a.level !== 'error').map((a) => a.message)).toEqual([
        expect.stringMatching(/^attestations: .* cannot prove its origin: .*\(verify-attestations: warn/),
      ]);
      expect(failure(result)).toMatch(/^Promotion of .* to dev failed: .*; the previous revision runs again$/s);
      expect(result.deprecatedCommands).toEqual([]);
      expect(result.exportedEnv).toEqual({});
      expect(Object.keys(result.outputs).sort()).toEqual(['digest', 'image', 'rolled-back', 'verified']);
    });

    test.each(HOSTILE)('%s: printed in the events and the pod log, inert', (_what, text) => {
      const marker = /injected-\d+/.exec(text)?.[0] ?? '';
      const lines = printed(result).split('\n');
      expect(lines.some((line) => line.startsWith('event ') && line.includes(marker))).toBe(true);
      expect(lines.filter((line) => line.includes(marker)).length).toBeGreaterThanOrEqual(2);
      expect(result.masks).not.toContain(marker);
      for (const a of result.annotations) expect(a.message).not.toContain(marker);
      for (const value of Object.values(result.outputs)) expect(value).not.toContain(marker);
    });
  });

  test('the cluster still runs what the last good promotion set (kubectl)', async () => {
    const images = await kubectl(
      '-n',
      NAMESPACE,
      'get',
      'deployment',
      WORKLOAD,
      '-o',
      'jsonpath={.spec.template.spec.containers[*].image}',
    );
    expect(images).toBe(image.good);
    const events = await exec('kubectl', ['--kubeconfig', kubeEndpoints.kubeconfig, '-n', NAMESPACE, 'get', 'events'], {
      timeoutMs: 60_000,
    });
    expect(events.exitCode).toBe(0);
  });
});
