// release.yml's release job through the local runner, against a scratch GitHub: the real git
// http-backend with GitHub's rule for app tokens in a pre-receive hook (github-git-server.ts).
// The job pushes a commit that rewrites .github/workflows/*, so it must push with the release
// GitHub App's token (workflows: write). The same job pushing with GITHUB_TOKEN (even with
// contents: write) is refused with GitHub's text, and nothing reaches the remote.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { execChecked } from '@bakeline/toolkit';
import {
  emptyEnvironments,
  type GithubApp,
  type RunEvent,
  runWorkflow,
  snapshotSource,
  type TokenGrant,
} from '@bakeline/workflow-runner';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type GitServer, installWorkflowRule, startGitServer } from './github-git-server.ts';

const root = resolve(import.meta.dirname, '../..');
const REPOSITORY = 'bakeline-dev/bakeline';
const git = (cwd: string, ...args: string[]) =>
  execChecked('git', args, { cwd, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } });

let scratch: string;
let server: GitServer;
let privateKey: string;
const grants = new Map<string, TokenGrant>();

function app(publicKeyPem: string): GithubApp {
  return {
    appId: '1234567',
    slug: 'bakeline-release',
    publicKeyPem,
    installationId: 42,
    permissions: { contents: 'write', workflows: 'write', metadata: 'read' },
  };
}
let releaseApp: GithubApp;
let storeDir: string;

/** A bare remote holding what the runner's snapshot of this repository will be, as main. */
async function freshRemote(name: string): Promise<string> {
  const owner = join(scratch, name, 'bakeline-dev');
  mkdirSync(owner, { recursive: true });
  const bare = join(owner, 'bakeline.git');
  await git(owner, 'init', '--quiet', '--bare', bare);
  const snapshot = await snapshotSource(root, join(scratch, name, 'snapshot'));
  await git(snapshot.dir, 'push', '--quiet', bare, 'HEAD:refs/heads/main');
  installWorkflowRule(bare);
  return bare;
}

async function release(workflow: string, remote: string) {
  const logs: string[] = [];
  const outcome = await runWorkflow({
    workflow,
    event: 'workflow_dispatch',
    inputs: { version: '1.0.0' },
    repoDir: root,
    repository: REPOSITORY,
    jobs: ['release'],
    remoteUrl: `${server.url}/${remote}/bakeline-dev/bakeline.git`,
    githubApps: [releaseApp],
    environments: {
      ...emptyEnvironments(),
      secrets: { BAKELINE_RELEASE_APP_ID: releaseApp.appId, BAKELINE_RELEASE_APP_PRIVATE_KEY: privateKey },
    },
    onTokenIssued: (grant) => grants.set(grant.token, grant),
    // pnpm installs from this checkout's store, offline: no registry traffic from a test. The
    // store is named because pnpm picks one per filesystem, and the job's workspace (under the
    // temp root) may be on another filesystem than the checkout.
    env: { npm_config_offline: 'true', npm_config_store_dir: storeDir },
    onEvent: (e: RunEvent) => {
      if (e.type === 'log') logs.push(e.line);
    },
  });
  return { ...outcome, logs: logs.join('\n') };
}

async function tags(bare: string): Promise<string[]> {
  return (await git(bare, 'tag', '--list')).stdout.split('\n').filter(Boolean).sort();
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'bakeline-release-wf-'));
  // `pnpm store path` names the versioned folder (…/store/v10); store-dir is its parent
  storeDir = dirname((await execChecked('pnpm', ['store', 'path'], { cwd: root })).stdout.trim());
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  privateKey = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  releaseApp = app(keys.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  // each test has its own remote under <scratch>/<name>/bakeline-dev/bakeline.git
  server = await startGitServer(scratch, (token) => grants.get(token));
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('release.yml pushes the release with the GitHub App token', () => {
  test('the release job tags v1.0.0 and v1 on a remote that enforces the workflows permission', async () => {
    const bare = await freshRemote('app-token');
    const { result, logs } = await release(join(root, '.github/workflows/release.yml'), 'app-token');
    const job = result.jobs.find((j) => j.id === 'release');
    expect(job?.result, logs).toBe('success');
    expect(result.jobs.find((j) => j.id === 'test')?.error).toBe('not selected (--job)');
    expect(await tags(bare)).toEqual(['v1', 'v1.0.0']);
    const build = (await git(bare, 'show', 'v1.0.0:.github/workflows/build.yml')).stdout;
    expect(build).toContain('uses: bakeline-dev/bakeline/actions/maven-build@v1.0.0');
    // the push went out with an app token that has workflows: write, not with a GITHUB_TOKEN
    const pushes = server.log.filter((r) => r.path.endsWith('/git-receive-pack') && r.method === 'POST');
    expect(pushes.length).toBeGreaterThan(0);
    const appTokens = [...grants.values()].filter((g) => g.source === 'github-app');
    expect(appTokens.map((g) => g.permissions)).toEqual([{ contents: 'write', workflows: 'write' }]);
    expect(logs).not.toContain(appTokens[0]?.token);
    expect(logs).not.toContain('PRIVATE KEY');
  }, 240_000);

  test('the same job pushing with GITHUB_TOKEN (contents: write) is refused and the remote is unchanged', async () => {
    const bare = await freshRemote('github-token');
    const text = readFileSync(join(root, '.github/workflows/release.yml'), 'utf8');
    const withGithubToken = text
      .replace('    permissions:\n      contents: read\n', '    permissions:\n      contents: write\n')
      .replace(`          token: \${{ steps.app-token.outputs.token }}\n`, '');
    expect(withGithubToken).not.toBe(text);
    expect(withGithubToken).not.toContain('steps.app-token.outputs.token');
    const dir = join(scratch, 'github-token', 'workflows', '.github', 'workflows');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'release.yml'), withGithubToken);
    const { result, logs } = await release(join(dir, 'release.yml'), 'github-token');
    expect(result.jobs.find((j) => j.id === 'release')?.result).toBe('failure');
    expect(logs).toMatch(
      /refusing to allow a GitHub App to create or update workflow `\.github\/workflows\/[a-z-]+\.yml` without `workflows` permission/,
    );
    expect(await tags(bare)).toEqual([]);
  }, 240_000);

  test('a private key of another app is refused before anything is checked out', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const saved = privateKey;
    privateKey = other.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    try {
      const { result } = await release(join(root, '.github/workflows/release.yml'), 'wrong-key');
      const job = result.jobs.find((j) => j.id === 'release');
      expect(job?.result).toBe('failure');
      expect(job?.steps[0]?.error).toBe(
        'actions/create-github-app-token: HttpError: A JSON web token could not be decoded',
      );
      expect(job?.steps.slice(1).map((s) => s.outcome)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    } finally {
      privateKey = saved;
    }
  }, 240_000);
});
