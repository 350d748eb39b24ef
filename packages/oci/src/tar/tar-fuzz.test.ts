// Fuzzing the tar readers: random mutations (a seeded PRNG; the seed is printed, and FUZZ_SEED
// replays it) of valid archives built here: an OCI layout tar, a docker archive with an
// uncompressed layer, and layer tars by GNU tar (fixtures) and by bakeline. Each mutation must
// either parse or fail with an Error whose message names the archive, within a per-case limit,
// in a worker with a capped heap: none may hang, crash or exhaust memory. Bounded: at most 400
// cases and 20 s (at least 60 must run).
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Digest } from '../digest.ts';
import { writeDeterministicLayer } from '../layer/deterministic-layer.ts';
import { packLayout } from '../layout/layout-archive.ts';
import { layoutToDockerArchive } from '../layout/layout-to-docker-archive.ts';
import { LayoutWriter } from '../layout/layout-writer.ts';
import { MediaType } from '../media-types.ts';
import { BoundedParser, type ParseOutcome } from './bounded-parse.ts';
import { fixChecksum, NUMERIC_FIELDS, type NumericField, paxEntry, paxRecord } from './tar-craft.ts';
import { BLOCK } from './tar-header.ts';
import type { ParseTarget } from './tar-parse.worker.ts';
import { indexTar } from './tar-reader.ts';

const MAX_CASES = 400;
const BUDGET_MS = 45_000;
const CASE_LIMIT_MS = 5000;
/** The least number of cases that must run within the budget, even on a busy machine. */
const MIN_CASES = 60;
const FIXTURES = join(import.meta.dirname, '../../../../test/fixtures/oci');

const work = mkdtempSync(join(tmpdir(), 'oci-tar-fuzz-'));
const parser = new BoundedParser({ timeoutMs: CASE_LIMIT_MS, maxHeapMb: 128, scratch: work });
afterAll(async () => {
  await parser.close();
  rmSync(work, { recursive: true, force: true });
});

/** mulberry32: small, seedable, good enough to pick mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Seed {
  name: string;
  target: ParseTarget;
  bytes: Buffer;
  /** Offsets of the header blocks (from a parse of the valid archive). */
  headers: number[];
}

const HOSTILE_NUMBERS = [
  'abc',
  '-1',
  '-1536',
  '1e3',
  '0x10',
  'NaN',
  'Infinity',
  ' ',
  '99999999999999999999',
  '9007199254740993',
  '1.5',
  '',
  '0',
  '777777777777',
  '\u0000\u0000\u00001',
];
const PAX_KEYS = ['size', 'uid', 'gid', 'mtime', 'atime', 'ctime', 'path', 'linkpath', 'SCHILY.xattr.user.k'];

async function headerOffsets(path: string): Promise<number[]> {
  const handle = await open(path, 'r');
  try {
    const entries = await indexTar(handle, 0, (await handle.stat()).size, path);
    return entries.map((e) => e.dataOffset - BLOCK);
  } finally {
    await handle.close();
  }
}

async function seeds(): Promise<Seed[]> {
  const layoutDir = join(work, 'layout');
  const writer = await LayoutWriter.create(layoutDir);
  const layer = await writeDeterministicLayer(
    [
      { path: 'app', type: 'dir', mode: 0o755 },
      { path: 'app/run.sh', type: 'file', mode: 0o755, data: Buffer.from('#!/bin/sh\necho hi\n') },
      { path: `app/${'long-name-'.repeat(15)}.txt`, type: 'file', mode: 0o644, data: Buffer.from('x'.repeat(700)) },
      { path: 'app/link', type: 'symlink', mode: 0o777, linkTarget: 'run.sh' },
      {
        path: 'app/cap',
        type: 'file',
        mode: 0o644,
        uid: 10_000_000,
        data: Buffer.from('c'),
        xattrs: { 'user.k': Buffer.from([0, 1, 2]) },
      },
    ],
    { sourceDateEpoch: 1_700_000_000, directory: work },
  );
  const layerTar = join(work, 'layer.tar');
  writeFileSync(layerTar, gunzipSync(readFileSync(layer.path)));
  const plainLayer = join(work, 'plain-layer');
  copyFileSync(layerTar, plainLayer); // addBlobFile moves its file in
  const layerDescriptor = await writer.addBlobFile(plainLayer, MediaType.OciLayer);
  const config = await writer.writeJson(
    {
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [sha256Digest(readFileSync(layerTar))] },
    },
    MediaType.OciConfig,
  );
  const manifest = await writer.writeManifest({
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config,
    layers: [layerDescriptor],
  });
  const layoutTar = join(work, 'layout.tar');
  await packLayout(layoutDir, layoutTar);
  const dockerTar = join(work, 'docker.tar');
  await layoutToDockerArchive(layoutDir, manifest.digest, dockerTar, { repoTag: 'fuzz:1' });
  const sources: [string, ParseTarget, string][] = [
    ['oci-layout', 'layout', layoutTar],
    ['docker-archive', 'docker', dockerTar],
    ['bakeline-layer', 'layer', layerTar],
    ['gnu-tar', 'layer', join(FIXTURES, 'tar-01-gnu.tar')],
    ['pax-tar', 'layer', join(FIXTURES, 'tar-02-pax.tar')],
  ];
  const result: Seed[] = [];
  for (const [name, target, path] of sources) {
    result.push({ name, target, bytes: readFileSync(path), headers: await headerOffsets(path) });
  }
  return result;
}

/** One random mutation of a valid archive. */
function mutate(seed: Seed, random: () => number): { bytes: Buffer; how: string } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const bytes = Buffer.from(seed.bytes);
  const at = pick(seed.headers);
  const kind = pick(['flip', 'field', 'field', 'base256', 'pax', 'pax', 'truncate', 'swap'] as const);
  switch (kind) {
    case 'flip': {
      const count = 1 + Math.floor(random() * 8);
      for (let i = 0; i < count; i++) {
        const pos = random() < 0.7 ? at + Math.floor(random() * BLOCK) : Math.floor(random() * bytes.length);
        bytes[pos] = Math.floor(random() * 256);
      }
      if (random() < 0.7) fixChecksum(bytes, at);
      return { bytes, how: `flip ${count} bytes near header ${at}` };
    }
    case 'field': {
      const field = pick(Object.keys(NUMERIC_FIELDS) as NumericField[]);
      const [offset, length] = NUMERIC_FIELDS[field];
      const value = pick(HOSTILE_NUMBERS);
      bytes.fill(0, at + offset, at + offset + length);
      bytes.write(value, at + offset, length, 'latin1');
      if (field !== 'checksum' && random() < 0.9) fixChecksum(bytes, at);
      return { bytes, how: `header ${at}: ${field}=${JSON.stringify(value)}` };
    }
    case 'base256': {
      const field = pick(['size', 'uid', 'mtime', 'mode'] as const);
      const [offset, length] = NUMERIC_FIELDS[field];
      for (let i = 0; i < length; i++) bytes[at + offset + i] = Math.floor(random() * 256);
      bytes[at + offset] = ((bytes[at + offset] ?? 0) | 0x80) & (random() < 0.5 ? 0xff : 0xbf);
      fixChecksum(bytes, at);
      return {
        bytes,
        how: `header ${at}: ${field} base-256 ${bytes.subarray(at + offset, at + offset + length).toString('hex')}`,
      };
    }
    case 'pax': {
      const records = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
        const key = pick(PAX_KEYS);
        const value = pick(HOSTILE_NUMBERS);
        if (random() < 0.2) return `${Math.floor(random() * 40) - 5} ${key}=${value}\n`; // a wrong length
        return paxRecord(key, value);
      }).join('');
      const pax = paxEntry(records);
      return {
        bytes: Buffer.concat([bytes.subarray(0, at), pax, bytes.subarray(at)]),
        how: `PAX before header ${at}: ${JSON.stringify(records)}`,
      };
    }
    case 'truncate': {
      const length = Math.floor(random() * bytes.length);
      return { bytes: bytes.subarray(0, length), how: `truncate to ${length}` };
    }
    case 'swap': {
      const other = pick(seed.headers);
      const copy = Buffer.from(bytes.subarray(other, other + BLOCK));
      bytes.copy(bytes, other, at, at + BLOCK);
      copy.copy(bytes, at);
      return { bytes, how: `swap header blocks ${at} and ${other}` };
    }
  }
}

function isClear(outcome: ParseOutcome, path: string): boolean {
  if (outcome.kind === 'parsed') return true;
  if (outcome.kind !== 'error') return false;
  return (
    !['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError'].includes(outcome.name) &&
    outcome.message.includes(path)
  );
}

describe('tar readers under random mutations', () => {
  let all: Seed[] = [];
  beforeAll(async () => {
    all = await seeds();
  });

  it('every mutation parses or fails clearly naming the archive, within the limit; none hangs or runs out of memory', async () => {
    const seedValue = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
    console.log(`tar fuzz seed ${seedValue} (replay: FUZZ_SEED=${seedValue})`);
    const random = prng(seedValue);
    const started = Date.now();
    const bad: string[] = [];
    const tally = { parsed: 0, error: 0 };
    let cases = 0;
    while (cases < MAX_CASES && Date.now() - started < BUDGET_MS) {
      const seed = all[cases % all.length] as Seed;
      const { bytes, how } = mutate(seed, random);
      const path = join(work, `fuzz-${cases}-${seed.name}.tar`);
      writeFileSync(path, bytes);
      const outcome = await parser.parse(seed.target, path);
      cases++;
      if (outcome.kind === 'parsed' || outcome.kind === 'error') tally[outcome.kind]++;
      if (!isClear(outcome, path)) bad.push(`${seed.name} (${how}): ${JSON.stringify(outcome)}`);
      rmSync(path);
    }
    console.log(
      `tar fuzz: ${cases} cases in ${Date.now() - started} ms: ${tally.parsed} parsed, ${tally.error} refused, ${bad.length} bad`,
    );
    expect(bad, `seed ${seedValue}`).toEqual([]);
    expect(cases).toBeGreaterThanOrEqual(MIN_CASES);
  }, 120_000);
});
