// docker-bake from its bundle, as the runner runs it (the harness checks every input read and
// output written against action.yml). The jar builder needs no Docker: these run on a tiny base
// layout. Bad inputs fail before anything is built, with one line naming the input.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedImage } from '@bakeline/oci';
import { runAction } from '@bakeline/test/harness';
import { beforeAll, describe, expect, test } from 'vitest';
import { makePlainJar } from '../../../packages/bake/test/jar-fixtures.ts';
import { tinyBaseLayout } from '../../../packages/bake/test/layout-fixtures.ts';

const SHA = '89abcdef0123456789abcdef0123456789abcdef';
let base: LoadedImage;
let jar: string;

beforeAll(async () => {
  base = await tinyBaseLayout();
  jar = makePlainJar();
}, 60_000);

function workspace(): string {
  const ws = mkdtempSync(join(tmpdir(), 'bakeline-bake-ws-'));
  mkdirSync(join(ws, 'target'));
  copyFileSync(jar, join(ws, 'target', 'service-1.0.0.jar'));
  return ws;
}

const jarInputs = () => ({
  jar: 'target/*.jar',
  'base-image': `oci:${base.layoutDir}`,
  'image-name': '127.0.0.1:5000/team/licensing-service',
  'source-date-epoch': '1700000000',
  ports: '8080',
});

describe('docker-bake (jar builder, from the bundle)', () => {
  test('bakes a layout and its tar, and outputs digest, config digest, image, tags, paths and size', async () => {
    const ws = workspace();
    const result = await runAction('docker-bake', {
      workspace: ws,
      inputs: { ...jarInputs(), tags: 'candidate', 'output-dir': 'out' },
      github: { sha: SHA, ref: 'refs/tags/v2.1.0', repository: 'acme/licensing-service' },
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const { outputs } = result;
    expect(outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(outputs['config-digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(outputs.image).toBe(`127.0.0.1:5000/team/licensing-service@${outputs.digest}`);
    expect(outputs.tags?.split('\n')).toEqual(['candidate', 'sha-89abcde', '2.1.0']);
    expect(outputs['layout-path']).toBe(join(ws, 'out', 'layout'));
    expect(outputs['archive-path']).toBe(join(ws, 'out', 'image.tar'));
    expect(outputs['base-digest']).toBe(base.digest);
    expect(Number(outputs.size)).toBeGreaterThan(0);
    const index = JSON.parse(readFileSync(join(outputs['layout-path'] ?? '', 'index.json'), 'utf8'));
    expect(index.manifests[0].digest).toBe(outputs.digest);
    expect(result.summary).toContain(outputs.digest);
    expect(result.summary).toContain('Layers: 2 (1 new');
    expect(result.summary).toContain('org.opencontainers.image.version');
    expect(result.summary).toContain('2.1.0');
  });

  test('the digest does not depend on the workspace path, the output directory or the run', async () => {
    const a = await runAction('docker-bake', { workspace: workspace(), inputs: jarInputs(), github: { sha: SHA } });
    const b = await runAction('docker-bake', {
      workspace: workspace(),
      inputs: { ...jarInputs(), 'output-dir': 'elsewhere' },
      github: { sha: SHA, runId: '999' },
    });
    expect(a.exitCode, a.stderr).toBe(0);
    expect(b.outputs.digest).toBe(a.outputs.digest);
  });

  test.each<[string, Record<string, string>, string]>([
    ['an uppercase repository', { 'image-name': 'Team/Licensing' }, "Input 'image-name'"],
    ['a tag with a colon', { tags: 'v1:0' }, "Input 'tags'"],
    ['a tag with a slash', { tags: 'a/b' }, "Input 'tags'"],
    ['a tag over 128 characters', { tags: 'x'.repeat(129) }, "Input 'tags'"],
    ['latest', { tags: 'latest' }, "Input 'tags'"],
    ['a digest that is not 64 hex', { 'base-image': '127.0.0.1:5000/jre@sha256:1234' }, "Input 'base-image'"],
    ['a missing JAR', { jar: 'target/nothing.jar' }, "Input 'jar'"],
    ['a secret in env', { env: 'DB_PASSWORD=hunter2' }, "Input 'env'"],
    ['root', { user: '0' }, "Input 'user'"],
  ])('refuses %s before building, naming the input', async (_name, change, named) => {
    const ws = workspace();
    const result = await runAction('docker-bake', {
      workspace: ws,
      inputs: { ...jarInputs(), 'output-dir': 'out', ...change },
      github: { sha: SHA },
    });
    expect(result.exitCode).toBe(1);
    const errors = result.annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message.startsWith(named)).toBe(true);
    expect(errors[0]?.message.split('\n')).toHaveLength(1);
    expect(existsSync(join(ws, 'out'))).toBe(false);
    expect(result.outputs).toEqual({});
    expect(result.stdout + result.stderr).not.toContain('hunter2');
  });

  test('refuses a Dockerfile outside the context before building', async () => {
    const ws = workspace();
    mkdirSync(join(ws, 'svc'));
    mkdirSync(join(ws, 'other'));
    copyFileSync(jar, join(ws, 'svc', 'Dockerfile'));
    copyFileSync(jar, join(ws, 'other', 'Dockerfile'));
    const result = await runAction('docker-bake', {
      workspace: ws,
      inputs: { builder: 'dockerfile', context: 'svc', dockerfile: 'other/Dockerfile', 'image-name': 'svc' },
      github: { sha: SHA },
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      expect.stringMatching(/^Input 'dockerfile': .*inside the context/),
    ]);
  });

  test('refuses a jar-builder input with the dockerfile builder, and accepts the dockerfile builder without them', async () => {
    const ws = workspace();
    copyFileSync(jar, join(ws, 'Dockerfile'));
    const refused = await runAction('docker-bake', {
      workspace: ws,
      inputs: { builder: 'dockerfile', 'image-name': 'svc', 'java-options': '-Xmx1g', 'source-date-epoch': '1' },
      github: { sha: SHA },
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      "Input 'java-options': applies to the jar builder only; with builder 'dockerfile' the Dockerfile sets it",
    ]);
  });
});
