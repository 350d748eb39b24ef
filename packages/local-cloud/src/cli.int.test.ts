import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from '@bakeline/toolkit';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = new URL('./cli.ts', import.meta.url).pathname;
const stateDir = mkdtempSync(join(tmpdir(), 'bakeline-cli-'));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await exec(process.execPath, [CLI, ...args], { timeoutMs: 120_000 });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(async () => {
  await cli('stop', '--state-dir', stateDir);
  rmSync(stateDir, { recursive: true, force: true });
});

describe('local-cloud CLI', () => {
  it('starts one process, is idempotent, prints endpoints, and stops', async () => {
    const started = await cli('start', '--state-dir', stateDir, '--no-kube', '--region', 'eu-central-1');
    expect(started.code, started.stderr).toBe(0);
    const endpoints = JSON.parse(started.stdout) as {
      pid: number;
      region: string;
      sts: string;
      ecr: string;
      registry: { url: string; host: string };
      oidc: { issuer: string; requestUrl: string; requestToken: string };
      roles: Record<string, string>;
      credentials: { accessKeyId: string };
    };
    expect(endpoints.region).toBe('eu-central-1');
    expect(endpoints.roles['bakeline-ecr-push']).toBe('arn:aws:iam::123456789012:role/bakeline-ecr-push');
    expect(endpoints.credentials.accessKeyId).toMatch(/^AKIA/);
    for (const url of [endpoints.sts, endpoints.ecr, endpoints.registry.url])
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // IAM accepts only https OIDC providers, so the local issuer speaks https
    expect(endpoints.oidc.issuer).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(join(stateDir, 'endpoints.json'))).toBe(true);

    expect((await fetch(`${endpoints.sts}/?Action=GetCallerIdentity&Version=2011-06-15`)).status).toBe(403);
    expect((await fetch(`${endpoints.registry.url}/v2/`)).status).toBe(401);
    const token = await fetch(`${endpoints.oidc.requestUrl}&audience=sts.amazonaws.com`, {
      headers: { authorization: `Bearer ${endpoints.oidc.requestToken}` },
    });
    expect(Object.keys((await token.json()) as object)).toEqual(['value']);

    const again = await cli('start', '--state-dir', stateDir, '--no-kube');
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`local cloud already running (pid ${endpoints.pid})`);
    expect(JSON.parse(again.stdout).pid).toBe(endpoints.pid);

    const shown = await cli('endpoints', '--state-dir', stateDir);
    expect(JSON.parse(shown.stdout).sts).toBe(endpoints.sts);

    const stopped = await cli('stop', '--state-dir', stateDir);
    expect(stopped.code).toBe(0);
    expect(alive(endpoints.pid)).toBe(false);
    expect(existsSync(join(stateDir, 'endpoints.json'))).toBe(false);
    await expect(fetch(`${endpoints.registry.url}/v2/`)).rejects.toThrow();
    expect((await cli('stop', '--state-dir', stateDir)).stderr).toContain('not running');
  });

  it('starts the Kubernetes part by default: endpoints name a kubeconfig that kubectl uses, and the EKS API', async () => {
    const dir = join(stateDir, 'with-kube');
    const started = await cli('start', '--state-dir', dir);
    try {
      expect(started.code, started.stderr).toBe(0);
      const endpoints = JSON.parse(started.stdout) as {
        kube?: { clusterName: string; apiUrl: string; kubeconfig: string; eks: string };
      };
      expect(endpoints.kube).toMatchObject({
        clusterName: 'bakeline-local',
        apiUrl: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/),
        eks: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      });
      const kubeconfig = endpoints.kube?.kubeconfig ?? '';
      expect(existsSync(kubeconfig)).toBe(true);
      const namespaces = execFileSync(
        'kubectl',
        ['--kubeconfig', kubeconfig, 'get', 'namespaces', '-o', 'jsonpath={.items[*].metadata.name}'],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(namespaces.split(' ')).toEqual(expect.arrayContaining(['dev', 'test', 'prod']));
      const shown = JSON.parse((await cli('endpoints', '--state-dir', dir)).stdout) as typeof endpoints;
      expect(shown.kube?.kubeconfig).toBe(kubeconfig);
    } finally {
      expect((await cli('stop', '--state-dir', dir)).code).toBe(0);
    }
  });

  it('names a bad option value before starting anything', async () => {
    const r = await cli('start', '--state-dir', join(stateDir, 'x'), '--scan-delay-ms', 'soon');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--scan-delay-ms: got 'soon'; expected a whole number");
  });
});
