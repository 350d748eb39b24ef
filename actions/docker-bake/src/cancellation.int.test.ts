// Integration (Docker engine): docker-bake cancelled as the runner cancels (SIGINT, then SIGTERM
// 7.5 s later) at each phase of a Dockerfile bake leaves nothing behind (no build container, no
// temporary tag, no scratch or partial output, nothing in its TMPDIR), and a re-run gives the
// digest of an uncancelled run.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HarnessResult, runBundledAction } from '@bakeline/test/harness';
import { shellBaseImage } from '@bakeline/test-fixtures';
import { beforeAll, describe, expect, test } from 'vitest';

const SHA = '89abcdef0123456789abcdef0123456789abcdef';
const nonce = randomBytes(6).toString('hex');
// incompressible, so converting and packing the layout take a while; the same bytes in every workspace
const big = randomBytes(48 * 1024 * 1024);
let base: string;
let reference: { result: HarnessResult; marks: Record<Phase, number>; total: number };

type Phase = 'start' | 'building' | 'converting';
const MARKS: [Phase, RegExp][] = [
  ['building', /^builder: /],
  ['converting', /convert to OCI layout/],
];

function workspace(): string {
  const ws = mkdtempSync(join(tmpdir(), 'bakeline-bake-ws-'));
  writeFileSync(
    join(ws, 'Dockerfile'),
    `ARG BASE_IMAGE\nFROM \${BASE_IMAGE}\nRUN echo ${nonce} && sleep 4\nCOPY big.bin /app/big.bin\n`,
  );
  writeFileSync(join(ws, 'big.bin'), big);
  return ws;
}

async function bake(ws: string, tmp: string, cancelAfterMs?: number) {
  const started = Date.now();
  const seen: { phase: Phase; at: number }[] = [{ phase: 'start', at: 0 }];
  const result = await runBundledAction('docker-bake', {
    workspace: ws,
    inputs: {
      'build-args': `BASE_IMAGE=${base}`,
      'image-name': 'licensing-service',
      'source-date-epoch': '1700000000',
      'output-dir': 'out',
      'no-cache': 'true',
    },
    env: { TMPDIR: tmp },
    github: { sha: SHA },
    timeoutMs: 300_000,
    ...(cancelAfterMs !== undefined ? { cancelAfterMs } : {}),
    onLine: (line) => {
      for (const [phase, pattern] of MARKS) if (pattern.test(line)) seen.push({ phase, at: Date.now() - started });
    },
  });
  return { result, seen, total: Date.now() - started };
}

function tempTags(): string[] {
  return execFileSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' })
    .split('\n')
    .filter((r) => r.startsWith('bakeline-bake-tmp:') || r.startsWith('bakeline-build-tmp:'));
}

function buildContainers(): string[] {
  return execFileSync('docker', ['ps', '--all', '--no-trunc', '--format', '{{.ID}} {{.Command}}'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(nonce));
}

beforeAll(async () => {
  base = shellBaseImage();
  const run = await bake(workspace(), mkdtempSync(join(tmpdir(), 'bakeline-tmpdir-')));
  expect(run.result.exitCode, run.result.stdout).toBe(0);
  const at = (phase: Phase) => run.seen.find((s) => s.phase === phase)?.at ?? Number.NaN;
  reference = {
    result: run.result,
    marks: { start: 0, building: at('building'), converting: at('converting') },
    total: run.total,
  };
}, 300_000);

describe('docker-bake cancelled like the runner cancels', () => {
  test.each<[string, (m: Record<Phase, number>, total: number) => number]>([
    ['before the build (inputs, engine detection)', (m) => Math.max(50, m.building / 2)],
    ['while building', (m) => (m.building + m.converting) / 2],
    ['while converting and writing the layout', (m, total) => (m.converting + total) / 2],
  ])(
    '%s: nothing left behind, and a re-run gives the same digest',
    async (_name, when) => {
      const ws = workspace();
      const tmp = mkdtempSync(join(tmpdir(), 'bakeline-tmpdir-'));
      const cancelAt = Math.round(when(reference.marks, reference.total));
      const tagsBefore = new Set(tempTags()); // left by other runs on this shared engine
      const cancelled = await bake(ws, tmp, cancelAt);
      const phase = cancelled.seen.filter((s) => s.at <= cancelAt).at(-1)?.phase;
      console.log(
        `cancelled at ${cancelAt} ms, in phase ${phase}; reference marks ${JSON.stringify(reference.marks)}, total ${reference.total} ms`,
      );
      expect(cancelled.result.cancelled).toBe(true);
      expect(cancelled.result.exitCode, cancelled.result.stdout).not.toBe(0);
      expect(cancelled.result.outputs).toEqual({});
      expect(existsSync(join(ws, 'out')) ? readdirSync(join(ws, 'out')) : []).toEqual([]);
      expect(readdirSync(tmp)).toEqual([]);
      expect(tempTags().filter((tag) => !tagsBefore.has(tag))).toEqual([]);
      // the engine removes a cancelled build's container once the client is gone
      let containers = buildContainers();
      for (let i = 0; i < 30 && containers.length > 0; i++) {
        await new Promise((r) => setTimeout(r, 500));
        containers = buildContainers();
      }
      expect(containers).toEqual([]);

      mkdirSync(join(ws, 'out'), { recursive: true });
      const again = await bake(ws, tmp);
      expect(again.result.exitCode, again.result.stdout).toBe(0);
      expect(again.result.outputs.digest).toBe(reference.result.outputs.digest);
    },
    300_000,
  );
});
