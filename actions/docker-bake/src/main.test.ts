// docker-bake from its bundle, as the runner runs it (the harness checks every input read and
// output written against action.yml). The jar builder needs no Docker: these run on a tiny base
// layout. Bad inputs fail before anything is built, with one line naming the input.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoadedImage, verifyLayout } from '@bakeline/oci';
import { runBundledAction } from '@bakeline/test/harness';
import { makePlainJar, tinyBaseLayout } from '@bakeline/test-fixtures';
import { beforeAll, describe, expect, test } from 'vitest';

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
    const result = await runBundledAction('docker-bake', {
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
    const runDir = join(ws, 'out', `bake-${outputs.digest?.slice(7, 19)}`);
    expect(outputs['layout-path']).toBe(join(runDir, 'layout'));
    expect(outputs['archive-path']).toBe(join(runDir, 'image.tar'));
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
    const a = await runBundledAction('docker-bake', {
      workspace: workspace(),
      inputs: jarInputs(),
      github: { sha: SHA },
    });
    const b = await runBundledAction('docker-bake', {
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
    const result = await runBundledAction('docker-bake', {
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
    const result = await runBundledAction('docker-bake', {
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
    const refused = await runBundledAction('docker-bake', {
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

describe('docker-bake: jar only from inside the workspace', () => {
  test.each<[string, (ws: string, outside: string) => string]>([
    ['a relative path out of the workspace', (ws, outside) => join('..', outside.slice(join(ws, '..').length + 1))],
    ['an absolute path elsewhere', (_ws, outside) => outside],
    [
      'a symlink in the workspace to a file elsewhere',
      (ws, outside) => {
        symlinkSync(outside, join(ws, 'target', 'linked.jar'));
        return 'target/linked.jar';
      },
    ],
  ])('refuses %s before any side effect, naming the input and the value', async (_name, jarValue) => {
    const ws = workspace();
    const outside = join(mkdtempSync(join(ws, '..', 'bakeline-outside-')), 'other.jar');
    copyFileSync(jar, outside);
    const value = jarValue(ws, outside);
    const result = await runBundledAction('docker-bake', {
      workspace: ws,
      inputs: { ...jarInputs(), jar: value, 'output-dir': 'out' },
      github: { sha: SHA },
    });
    expect(result.exitCode).toBe(1);
    const errors = result.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    expect(errors).toEqual([
      expect.stringMatching(/^Input 'jar': got ".*"(?: \(resolves to .*\))?; expected a path inside the workspace /),
    ]);
    expect(errors[0]).toContain(`"${value}"`);
    expect(existsSync(join(ws, 'out'))).toBe(false);
  });
});

describe('docker-bake: SOURCE_DATE_EPOCH', () => {
  test('outside a git checkout, the environment variable is used when the input is not given', async () => {
    const given = await runBundledAction('docker-bake', {
      workspace: workspace(),
      inputs: jarInputs(),
      github: { sha: SHA },
    });
    const { 'source-date-epoch': _, ...withoutInput } = jarInputs();
    const fromEnv = await runBundledAction('docker-bake', {
      workspace: workspace(),
      inputs: withoutInput,
      env: { SOURCE_DATE_EPOCH: '1700000000' },
      github: { sha: SHA },
    });
    expect(fromEnv.exitCode, fromEnv.stdout).toBe(0);
    expect(fromEnv.outputs.digest).toBe(given.outputs.digest);
  });

  test('a SOURCE_DATE_EPOCH that is not whole seconds is refused, naming the input it stands for', async () => {
    const { 'source-date-epoch': _, ...withoutInput } = jarInputs();
    const result = await runBundledAction('docker-bake', {
      workspace: workspace(),
      inputs: withoutInput,
      env: { SOURCE_DATE_EPOCH: '17e8' },
      github: { sha: SHA },
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      expect.stringMatching(
        /^Input 'source-date-epoch': is not given and SOURCE_DATE_EPOCH is "17e8"; expected whole seconds/,
      ),
    ]);
  });
});

describe('docker-bake: writes only into a fresh directory', () => {
  test('two bakes with the default output-dir, the second on the first as its base: both images stay whole', async () => {
    const runnerTemp = mkdtempSync(join(tmpdir(), 'bakeline-runner-temp-'));
    const first = await runBundledAction('docker-bake', {
      workspace: workspace(),
      runnerTemp,
      inputs: jarInputs(),
      github: { sha: SHA },
    });
    expect(first.exitCode, first.stdout).toBe(0);
    const second = await runBundledAction('docker-bake', {
      workspace: workspace(),
      runnerTemp,
      inputs: { ...jarInputs(), 'base-image': `oci:${first.outputs['layout-path']}`, 'java-options': '-Xmx256m' },
      github: { sha: SHA },
    });
    expect(second.exitCode, second.stdout).toBe(0);
    expect(second.outputs['base-digest']).toBe(first.outputs.digest);
    expect(second.outputs['layout-path']).not.toBe(first.outputs['layout-path']);
    await verifyLayout(first.outputs['layout-path'] ?? '', first.outputs.digest as `sha256:${string}`);
    await verifyLayout(second.outputs['layout-path'] ?? '', second.outputs.digest as `sha256:${string}`);
    expect(existsSync(first.outputs['archive-path'] ?? '')).toBe(true);
    const names = readdirSync(join(runnerTemp, 'bakeline-docker-bake')).sort();
    expect(names).toEqual(
      [`bake-${first.outputs.digest?.slice(7, 19)}`, `bake-${second.outputs.digest?.slice(7, 19)}`].sort(),
    );
  });

  test("output-dir '.' leaves the repository's own layout/ and image.tar alone", async () => {
    const ws = workspace();
    mkdirSync(join(ws, 'layout'));
    writeFileSync(join(ws, 'layout', 'README.md'), 'the layout of our docs\n');
    writeFileSync(join(ws, 'image.tar'), 'not ours\n');
    const result = await runBundledAction('docker-bake', {
      workspace: ws,
      inputs: { ...jarInputs(), 'output-dir': '.' },
      github: { sha: SHA },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(readFileSync(join(ws, 'layout', 'README.md'), 'utf8')).toBe('the layout of our docs\n');
    expect(readFileSync(join(ws, 'image.tar'), 'utf8')).toBe('not ours\n');
    expect(result.outputs['layout-path']).toBe(join(ws, `bake-${result.outputs.digest?.slice(7, 19)}`, 'layout'));
  });

  test("a second run of the same image keeps the first run's directory; a foreign one of that name is refused, untouched", async () => {
    const ws = workspace();
    const a = await runBundledAction('docker-bake', {
      workspace: ws,
      inputs: { ...jarInputs(), 'output-dir': 'out' },
      github: { sha: SHA },
    });
    const b = await runBundledAction('docker-bake', {
      workspace: ws,
      inputs: { ...jarInputs(), 'output-dir': 'out' },
      github: { sha: SHA },
    });
    expect(b.exitCode, b.stdout).toBe(0);
    expect(b.outputs['layout-path']).toBe(a.outputs['layout-path']);
    expect(readdirSync(join(ws, 'out'))).toEqual([`bake-${a.outputs.digest?.slice(7, 19)}`]);

    const other = workspace();
    const squatter = join(other, 'out', `bake-${a.outputs.digest?.slice(7, 19)}`);
    mkdirSync(squatter, { recursive: true });
    writeFileSync(join(squatter, 'notes.txt'), 'mine\n');
    const c = await runBundledAction('docker-bake', {
      workspace: other,
      inputs: { ...jarInputs(), 'output-dir': 'out' },
      github: { sha: SHA },
    });
    expect(c.exitCode).toBe(1);
    expect(c.annotations.filter((x) => x.level === 'error').map((x) => x.message)).toEqual([
      expect.stringMatching(/^output-dir: .* exists and does not hold the image sha256:[0-9a-f]{64}/),
    ]);
    expect(readdirSync(squatter)).toEqual(['notes.txt']);
    expect(readdirSync(join(other, 'out'))).toEqual([`bake-${a.outputs.digest?.slice(7, 19)}`]);
  });
});
