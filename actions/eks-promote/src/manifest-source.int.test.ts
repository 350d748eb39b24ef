// Integration: the manifests of a promotion come from the commit that built the image, read with
// the real git (full and shallow clones of a scratch repository with two commits) and rendered
// with the real `kubectl kustomize`. The dispatch ref (HEAD) holds other manifests than the
// image's commit; what is applied must be the commit's.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execChecked, type Logger } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { ManifestInputs } from './manifest-inputs.ts';
import { type ResolveOptions, resolveManifests } from './manifest-source.ts';

const IMAGE = `127.0.0.1:5000/ostock/licensing-service@sha256:${'e'.repeat(64)}`;
const root = mkdtempSync(join(tmpdir(), 'bakeline-manifest-source-'));
const origin = join(root, 'origin');
/** the commit that built the image, and the dispatch ref's later commit */
let built = '';
let head = '';

function write(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const env = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.invalid',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.invalid',
  };
  return (await execChecked('git', args, { cwd, env, timeoutMs: 60_000 })).stdout.trim();
}

function configMap(level: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  LOG_LEVEL: ${level}\n`;
}

function overlay(level: string): string {
  return [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources: [../../base]',
    'patches:',
    '  - patch: |-',
    '      apiVersion: v1',
    '      kind: ConfigMap',
    '      metadata: { name: app }',
    `      data: { LOG_LEVEL: ${level} }`,
    '',
  ].join('\n');
}

const BASE = {
  'k8s/base/kustomization.yaml': 'resources: [configmap.yaml]\n',
  'k8s/base/configmap.yaml': configMap('INFO'),
};

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    debug: () => {},
    group: (_n, fn) => fn(),
  };
}

function options(
  revision: string | undefined,
  logger = recorder(),
): ResolveOptions & { logger: ReturnType<typeof recorder> } {
  return { image: IMAGE, readRevision: async () => revision, tempDir: root, logger };
}

function inputs(workspace: string, over: Partial<ManifestInputs>): ManifestInputs {
  return { from: 'image-revision', workspace, paths: [], kustomize: undefined, ...over };
}

function levels(file: string): string[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as { kind: string; data?: Record<string, string> })
    .filter((d) => d.kind === 'ConfigMap')
    .map((d) => d.data?.LOG_LEVEL ?? '');
}

async function clone(name: string, ...flags: string[]): Promise<string> {
  const dir = join(root, name);
  await git(root, 'clone', '--quiet', ...flags, `file://${origin}`, dir);
  return dir;
}

beforeAll(async () => {
  mkdirSync(origin);
  await git(origin, 'init', '--quiet', '--initial-branch=main');
  // as GitHub: any commit reachable from a ref may be fetched by its id
  await git(origin, 'config', 'uploadpack.allowReachableSHA1InWant', 'true');
  write(origin, {
    ...BASE,
    'k8s/app.yaml': configMap('DEBUG'),
    'k8s/dir/a.yaml': configMap('A1'),
    'k8s/dir/only-in-built.yml': configMap('A2'),
    'k8s/dir/notes.txt': 'not a manifest',
    'k8s/overlays/test/kustomization.yaml': overlay('WARN'),
    'k8s/overlays/prod/kustomization.yaml': overlay('ERROR'),
  });
  await git(origin, 'add', '-A');
  await git(origin, 'commit', '--quiet', '-m', 'the commit that built the image');
  built = await git(origin, 'rev-parse', 'HEAD');
  rmSync(join(origin, 'k8s/dir/only-in-built.yml'));
  write(origin, {
    'k8s/app.yaml': configMap('TRACE'),
    'k8s/dir/a.yaml': configMap('B1'),
    'k8s/overlays/prod/kustomization.yaml': overlay('FATAL'),
  });
  await git(origin, 'commit', '--quiet', '-am', 'the dispatch ref, later');
  head = await git(origin, 'rev-parse', 'HEAD');
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('manifests from the commit that built the image', () => {
  it("applies the commit's file, not the dispatch ref's, and leaves the checkout as it is", async () => {
    const workspace = await clone('full');
    const resolved = await resolveManifests(inputs(workspace, { paths: ['k8s/app.yaml'] }), options(built));
    try {
      expect(resolved.revision).toBe(built);
      expect(resolved.files).toHaveLength(1);
      expect(levels(resolved.files[0] ?? '')).toEqual(['DEBUG']);
      expect(levels(join(workspace, 'k8s/app.yaml'))).toEqual(['TRACE']);
      expect(await git(workspace, 'status', '--porcelain')).toBe('');
      expect(await git(workspace, 'rev-parse', 'HEAD')).toBe(head);
    } finally {
      await resolved.cleanup();
    }
  });

  it("expands a directory to the commit's manifest files, sorted, as kubectl apply -f DIR", async () => {
    const workspace = await clone('dir');
    const resolved = await resolveManifests(inputs(workspace, { paths: ['k8s/dir'] }), options(built));
    try {
      expect(resolved.files.map((f) => f.slice(f.lastIndexOf('/') + 1))).toEqual(['a.yaml', 'only-in-built.yml']);
      expect(resolved.files.flatMap(levels)).toEqual(['A1', 'A2']);
    } finally {
      await resolved.cleanup();
    }
  });

  it("renders each environment's kustomize overlay of the commit with kubectl kustomize", async () => {
    const workspace = await clone('kustomize');
    const rendered: Record<string, string[]> = {};
    for (const environment of ['test', 'prod']) {
      const resolved = await resolveManifests(
        inputs(workspace, { kustomize: { root: 'k8s/overlays', overlay: environment } }),
        options(built),
      );
      rendered[environment] = levels(resolved.files[0] ?? '');
      await resolved.cleanup();
    }
    expect(rendered).toEqual({ test: ['WARN'], prod: ['ERROR'] });
    // the dispatch ref's prod overlay says FATAL; with manifests-from: workspace that is what renders
    const current = await resolveManifests(
      inputs(workspace, { from: 'workspace', kustomize: { root: 'k8s/overlays', overlay: 'prod' } }),
      options(built),
    );
    expect(levels(current.files[0] ?? '')).toEqual(['FATAL']);
    await current.cleanup();
  });

  it('fetches the commit into a shallow checkout that lacks it (git fetch --depth=1 origin <sha>)', async () => {
    const workspace = await clone('shallow', '--depth=1');
    expect(await git(workspace, 'rev-parse', '--is-shallow-repository')).toBe('true');
    const missing = await execChecked('git', ['cat-file', '-e', `${built}^{commit}`], { cwd: workspace }).catch(
      () => 'missing',
    );
    expect(missing).toBe('missing');
    const opts = options(built);
    const resolved = await resolveManifests(inputs(workspace, { paths: ['k8s/app.yaml'] }), opts);
    try {
      expect(levels(resolved.files[0] ?? '')).toEqual(['DEBUG']);
      expect(opts.logger.lines).toContainEqual(
        `commit ${built} is not in the shallow checkout; fetching it: git fetch --no-tags --no-recurse-submodules --depth=1 origin ${built}`,
      );
      expect(await git(workspace, 'rev-parse', 'HEAD')).toBe(head);
    } finally {
      await resolved.cleanup();
    }
  });

  it('says to check out with fetch-depth: 0 when a shallow checkout cannot fetch the commit', async () => {
    const workspace = await clone('shallow-offline', '--depth=1');
    await git(workspace, 'remote', 'set-url', 'origin', `file://${join(root, 'gone')}`);
    const error = await resolveManifests(inputs(workspace, { paths: ['k8s/app.yaml'] }), options(built)).catch(
      (e: unknown) => e,
    );
    expect(String(error)).toMatch(
      new RegExp(
        `commit ${built} \\(the org.opencontainers.image.revision of ${IMAGE.replace(/[.]/g, '\\.')}\\) is not in the shallow checkout, and git fetch .*failed \\(.+\\): check out with fetch-depth: 0 \\(actions/checkout\\), or fetch that commit before this step`,
      ),
    );
  });

  it('refuses an image without the revision label unless told to fall back, and then says so', async () => {
    const workspace = await clone('no-label');
    const refused = await resolveManifests(inputs(workspace, { paths: ['k8s/app.yaml'] }), options(undefined)).catch(
      (e: unknown) => e,
    );
    expect(String(refused)).toContain(
      `manifests: ${IMAGE} has no org.opencontainers.image.revision label, so the commit that built it is unknown: bake it with that label (docker-bake sets it), or set manifests-from: workspace`,
    );
    const opts = options('v1.2.3');
    const fallback = await resolveManifests(
      inputs(workspace, { from: 'image-revision-or-workspace', paths: ['k8s/app.yaml'] }),
      opts,
    );
    expect(levels(fallback.files[0] ?? '')).toEqual(['TRACE']);
    expect(opts.logger.lines[0]).toMatch(
      /^warning: manifests: the org.opencontainers.image.revision label of .* is "v1.2.3", not a commit id; applying the checked-out files instead/,
    );
    await fallback.cleanup();
  });

  it('names a path the commit does not have, and a workspace that is no git checkout', async () => {
    const workspace = await clone('missing-path');
    const error = await resolveManifests(
      inputs(workspace, { paths: ['k8s/app.yaml', 'k8s/added-later.yaml'] }),
      options(built),
    ).catch((e: unknown) => e);
    expect(String(error)).toContain(
      `manifests: 'k8s/added-later.yaml' is not in commit ${built}, the commit that built ${IMAGE}`,
    );
    const plain = join(root, 'plain');
    write(plain, { 'k8s/app.yaml': configMap('X') });
    const notGit = await resolveManifests(inputs(plain, { paths: ['k8s/app.yaml'] }), options(built)).catch(
      (e: unknown) => e,
    );
    expect(String(notGit)).toMatch(/the workspace .* is not a git checkout .*: check out the repository first/);
  });

  it("reports a broken overlay with kubectl's reason, naming the overlay and the commit", async () => {
    const workspace = await clone('broken-overlay');
    write(workspace, { 'k8s/overlays/dev/kustomization.yaml': 'resources: [../../nowhere]\n' });
    const error = await resolveManifests(
      inputs(workspace, { from: 'workspace', kustomize: { root: 'k8s/overlays', overlay: 'dev' } }),
      options(built),
    ).catch((e: unknown) => e);
    expect(String(error)).toMatch(/kustomize: kubectl kustomize k8s\/overlays\/dev failed: .*nowhere/s);
    const noOverlay = await resolveManifests(
      inputs(workspace, { kustomize: { root: 'k8s/overlays', overlay: 'dev' } }),
      options(built),
    ).catch((e: unknown) => e);
    expect(String(noOverlay)).toContain(`kustomize: k8s/overlays/dev@${built.slice(0, 12)} has no kustomization.yaml`);
  });
});
