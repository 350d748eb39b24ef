import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { FINDINGS_VERSION, FindingsCache } from './findings-cache.ts';
import type { LayerFindings } from './layer-scan.ts';

const temp = mkdtempSync(join(tmpdir(), 'bakeline-findings-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const LAYER = `sha256:${'c'.repeat(64)}`;
const findings: LayerFindings = {
  dpkgStatus: [{ name: 'libc6', version: '2.36-9' }],
  dpkgStatusD: {},
  whiteouts: [],
  opaqueDirs: [],
  files: [],
  maven: [],
  warnings: [],
};

describe('FindingsCache', () => {
  test('gives back what was put, by layer digest and mode', () => {
    const cache = new FindingsCache(mkdtempSync(join(temp, 'case-')));
    expect(cache.get(LAYER, false)).toEqual({});
    cache.put(LAYER, false, findings);
    expect(cache.get(LAYER, false)).toEqual({ findings });
    expect(cache.get(LAYER, true)).toEqual({});
  });

  test('refuses an entry whose findings were changed (a package added), so the layer is read again', () => {
    const dir = mkdtempSync(join(temp, 'case-'));
    const cache = new FindingsCache(dir);
    cache.put(LAYER, false, findings);
    const path = join(dir, `v${FINDINGS_VERSION}`, `${'c'.repeat(64)}.json`);
    const entry = JSON.parse(readFileSync(path, 'utf8'));
    entry.findings.dpkgStatus.push({ name: 'planted', version: '6.6.6' });
    writeFileSync(path, JSON.stringify(entry));
    expect(cache.get(LAYER, false)).toEqual({ invalid: 'its findings do not match their sha256' });
    writeFileSync(path, '{"truncated');
    expect(cache.get(LAYER, false).invalid).toMatch(/^it is not JSON/);
  });

  test('refuses an entry copied under another layer digest', () => {
    const dir = mkdtempSync(join(temp, 'case-'));
    const cache = new FindingsCache(dir);
    cache.put(LAYER, false, findings);
    const other = `sha256:${'d'.repeat(64)}`;
    const from = join(dir, `v${FINDINGS_VERSION}`, `${'c'.repeat(64)}.json`);
    writeFileSync(join(dir, `v${FINDINGS_VERSION}`, `${'d'.repeat(64)}.json`), readFileSync(from));
    expect(cache.get(other, false)).toEqual({ invalid: 'it names another layer or version' });
  });

  test('refuses a layer name that is not a digest (no path out of the cache)', () => {
    const cache = new FindingsCache(mkdtempSync(join(temp, 'case-')));
    expect(() => cache.put('sha256:../../etc', false, findings)).toThrow("layer digest 'sha256:../../etc'");
  });

  test('leaves no temporary file behind', () => {
    const dir = mkdtempSync(join(temp, 'case-'));
    new FindingsCache(dir).put(LAYER, true, findings);
    expect(readdirSync(join(dir, `v${FINDINGS_VERSION}`))).toEqual([`${'c'.repeat(64)}-files.json`]);
  });
});
