import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import type { RunningCloud } from '../../packages/local-cloud/src/cloud/state-files.ts';
import { envExports, shellQuote } from './env-exports.ts';

const cloud = {
  region: 'eu-west-1',
  sts: 'http://127.0.0.1:4001',
  ecr: 'http://127.0.0.1:4002',
  registry: { url: 'http://127.0.0.1:4003', host: '127.0.0.1:4003' },
  credentials: {
    userArn: 'arn:aws:iam::123456789012:user/x',
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: "s'e$(cre)t",
  },
  kube: { eks: 'http://127.0.0.1:4004', kubeconfig: '/state/kube config' },
} as unknown as RunningCloud;

/** What bash makes of the lines: the variables after `eval`. */
function evaluated(lines: string, names: string[]): Record<string, string> {
  const script = `eval "$(cat)"; ${names.map((n) => `printf '%s\\0' "$${n}"`).join('; ')}`;
  const out = spawnSync('bash', ['-c', script], { input: lines, encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
  const values = out.stdout.split('\0');
  return Object.fromEntries(names.map((n, i) => [n, values[i] ?? '']));
}

describe('envExports', () => {
  test('values survive the shell as written, quotes and $( ) included', () => {
    const vars = evaluated(envExports(cloud), [
      'AWS_SECRET_ACCESS_KEY',
      'AWS_ENDPOINT_URL_EKS',
      'KUBECONFIG',
      'BAKELINE_REGISTRY',
      'AWS_REGION',
    ]);
    expect(vars).toEqual({
      AWS_SECRET_ACCESS_KEY: "s'e$(cre)t",
      AWS_ENDPOINT_URL_EKS: 'http://127.0.0.1:4004',
      KUBECONFIG: '/state/kube config',
      BAKELINE_REGISTRY: '127.0.0.1:4003',
      AWS_REGION: 'eu-west-1',
    });
  });

  test('without a Kubernetes part: no KUBECONFIG, no EKS endpoint', () => {
    const text = envExports({ ...cloud, kube: undefined } as unknown as RunningCloud);
    expect(text).not.toContain('export KUBECONFIG');
    expect(text).not.toContain('export AWS_ENDPOINT_URL_EKS');
  });

  test('shellQuote closes and reopens around a single quote', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
