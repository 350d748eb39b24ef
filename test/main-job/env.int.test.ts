// `scripts/main.sh env` (issue #18, item 5): its stdout holds only `export` lines and function
// definitions; evaluated in a plain bash, the real aws CLI (with an older aws first on PATH, as
// on these machines), kubectl and skopeo reach the local cloud with no further flags. It never
// starts the cloud: with none running it says so on stderr and exits 1.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exec } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'packages/local-cloud/src/cli.ts');
let scratch: string;
let stateDir: string;

/** Runs a command from the checkout; resolves with its exit code, whatever it is. */
const run = (command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env) =>
  exec(command, args, { cwd: root, env, timeoutMs: 240_000 });

/** A shell with nothing of ours: a fake old `aws` first on PATH, no AWS variables, its own HOME. */
function plainShellEnv(): NodeJS.ProcessEnv {
  const fakeBin = join(scratch, 'old-aws-bin');
  mkdirSync(fakeBin, { recursive: true });
  writeFileSync(join(fakeBin, 'aws'), '#!/bin/sh\necho "this old aws must not be called" >&2\nexit 97\n', {
    mode: 0o755,
  });
  const home = join(scratch, 'home');
  mkdirSync(home, { recursive: true });
  return { PATH: `${fakeBin}:/usr/local/bin:/usr/bin:/bin`, HOME: home, LANG: 'C.UTF-8' };
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'bakeline-main-env-'));
  stateDir = join(scratch, 'state');
  const started = await run(process.execPath, [
    cli,
    'start',
    '--state-dir',
    stateDir,
    '--github-repository',
    'bakeline-dev/licensing-service',
  ]);
  if (started.exitCode !== 0) throw new Error(`local cloud did not start: ${started.stderr}`);
}, 300_000);

afterAll(async () => {
  if (stateDir) await run(process.execPath, [cli, 'stop', '--state-dir', stateDir]);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('scripts/main.sh env', () => {
  test('prints only export lines and functions; aws, kubectl and skopeo then reach the local cloud', async () => {
    const printed = await run('bash', ['scripts/main.sh', 'env', '--state-dir', stateDir]);
    expect(printed.exitCode, printed.stderr).toBe(0);
    const statements = printed.stdout.split('\n').filter((line) => /^\S/.test(line));
    for (const line of statements) expect(line).toMatch(/^(export [A-Z_][A-Z0-9_]*='[^']*'|[a-z_]+\(\) \{|\})$/);
    for (const name of ['AWS_ENDPOINT_URL_ECR', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_EKS', 'KUBECONFIG']) {
      expect(printed.stdout).toContain(`export ${name}=`);
    }
    const envFile = join(scratch, 'env.sh');
    writeFileSync(envFile, printed.stdout);

    const script = `set -e
eval "$(cat '${envFile}')"
aws ecr describe-repositories --repository-names ostock/licensing-service >/dev/null
aws ecr describe-images --repository-name ostock/licensing-service
aws sts get-caller-identity --query Arn --output text
kubectl get deploy -A
bakeline_registry_login
echo "skopeo user: $(skopeo login --get-login "$BAKELINE_REGISTRY")"`;
    const used = await run('bash', ['-c', script], plainShellEnv());
    expect(used.exitCode, `${used.stdout}\n${used.stderr}`).toBe(0);
    expect(used.stderr).not.toContain('this old aws must not be called');
    expect(used.stdout).toContain('"imageDetails": []');
    expect(used.stdout).toMatch(/arn:aws:iam::\d{12}:user\//);
    // an empty cluster: kubectl says so on stderr and exits 0
    expect(`${used.stdout}${used.stderr}`).toMatch(/NAMESPACE\s+NAME\s+READY|No resources found/);
    // the login helper's token was accepted by the registry (skopeo and docker check /v2/ with it)
    expect(used.stdout).toContain('skopeo user: AWS');
    expect(used.stderr).toContain('Login Succeeded');
  });

  test('with no cloud running: nothing on stdout, the reason on stderr, exit 1', async () => {
    const result = await run('bash', ['scripts/main.sh', 'env', '--state-dir', join(scratch, 'nothing-here')]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/the local cloud is not running in .*nothing-here; start it with scripts\/main\.sh/);
  });
});
