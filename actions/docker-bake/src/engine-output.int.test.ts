// Integration (Docker engine): docker-bake's Dockerfile builder from its bundle, on the engines a
// runner can have (the strict buildx stand-in), and with a Dockerfile whose RUN prints workflow
// commands: they must not set outputs or add annotations.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBundledAction } from '@bakeline/test/harness';
import { shellBaseImage } from '@bakeline/test-fixtures';
import { beforeAll, describe, expect, test } from 'vitest';
import { standInEngine } from '../../../packages/docker/test/buildx-stand-in.ts';

const SHA = '89abcdef0123456789abcdef0123456789abcdef';
const ZERO = `sha256:${'0'.repeat(64)}`;
let base: string;

beforeAll(() => {
  base = shellBaseImage();
});

function workspace(dockerfile: string): string {
  const ws = mkdtempSync(join(tmpdir(), 'bakeline-bake-ws-'));
  writeFileSync(join(ws, 'Dockerfile'), dockerfile);
  writeFileSync(join(ws, 'app.txt'), 'application\n');
  return ws;
}

const inputs = () => ({
  'build-args': `BASE_IMAGE=${base}`,
  'image-name': 'licensing-service',
  'source-date-epoch': '1700000000',
  'output-dir': 'out',
});

describe('docker-bake: engine output is relayed, never obeyed', () => {
  test('a RUN printing ::set-output, ##[set-output], U+0085::error:: cannot change outputs or add annotations', async () => {
    const lines = [
      `::set-output name=digest::${ZERO}`,
      '##[set-output name=digest;]x',
      '\u0085::error::x',
      '  ::error file=Dockerfile,line=1::injected',
      'text ##[error]mid-line',
      '::add-mask::application',
    ];
    const run = lines.map((l) => `printf '%s\\n' '${l}'`).join(' && ');
    const ws = workspace(`ARG BASE_IMAGE\nFROM \${BASE_IMAGE}\nRUN ${run}\nCOPY app.txt /app/app.txt\n`);
    const result = await runBundledAction('docker-bake', {
      workspace: ws,
      // no-cache: a cached RUN prints nothing, and the test would pass without looking
      inputs: { ...inputs(), 'no-cache': 'true' },
      github: { sha: SHA },
      timeoutMs: 300_000,
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result.outputs.digest).not.toBe(ZERO);
    const index = JSON.parse(readFileSync(join(result.outputs['layout-path'] ?? '', 'index.json'), 'utf8'));
    expect(index.manifests[0].digest).toBe(result.outputs.digest);
    expect(result.annotations).toEqual([]);
    expect(result.masks).toEqual([]);
    expect(result.stdout).toContain('set-output name=digest');
    expect(result.stdout).toContain('error file=Dockerfile,line=1::injected');
  });
});

describe('docker-bake: the example (builder auto, a Dockerfile) on GitHub-hosted runners', () => {
  test('buildx on the docker driver with the classic store: --load + docker save, the same digest as without buildx', async () => {
    const dockerfile = `ARG BASE_IMAGE\nFROM \${BASE_IMAGE}\nCOPY app.txt /app/app.txt\n`;
    const plain = await runBundledAction('docker-bake', {
      workspace: workspace(dockerfile),
      inputs: inputs(),
      github: { sha: SHA },
    });
    expect(plain.exitCode, plain.stdout).toBe(0);
    expect(plain.stdout).toContain('builder: classic (no buildx; classic image store) -> docker build + docker save');

    const engine = standInEngine({ driver: 'docker', imageStore: 'classic' });
    const ws = workspace(dockerfile);
    const hosted = await runBundledAction('docker-bake', {
      workspace: ws,
      inputs: inputs(),
      env: engine.env,
      github: { sha: SHA },
    });
    expect(hosted.exitCode, hosted.stdout).toBe(0);
    expect(hosted.stdout).toContain(
      'builder: buildx 0.29.1-bakeline-stand-in (driver docker, classic image store: no Docker exporter) -> --load + docker save',
    );
    // BuildKit records another history than the legacy builder; the layers are the same bytes
    const layers = (r: typeof plain) =>
      JSON.parse(
        readFileSync(
          join(r.outputs['layout-path'] ?? '', 'blobs', 'sha256', (r.outputs.digest ?? '').slice(7)),
          'utf8',
        ),
      ).layers;
    expect(layers(hosted)).toEqual(layers(plain));
    if (!engine.buildkit) expect(hosted.outputs.digest).toBe(plain.outputs.digest);
  });
});
