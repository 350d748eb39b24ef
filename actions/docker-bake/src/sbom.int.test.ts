import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BaseImage, ensureBaseImage } from '@bakeline/bake';
import { type HarnessResult, repoRoot, runBundledAction } from '@bakeline/test/harness';
import { type CleanCheckouts, cleanCheckouts, mavenPackageEach } from '@bakeline/test-fixtures';
import { consoleLogger } from '@bakeline/toolkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

let base: BaseImage;
let sha: string;
let checkouts: CleanCheckouts | undefined;
let clones: string[] = [];
let jars: string[] = [];

const github = () => ({ sha, ref: 'refs/heads/main', repository: 'acme/sbom-dependencies' });

interface CycloneDx {
  specVersion: string;
  serialNumber: string;
  metadata: { timestamp: string; component: { type: string; purl: string; version: string } };
  components: {
    type: string;
    name: string;
    purl?: string;
    'bom-ref': string;
    hashes?: { alg: string; content: string }[];
  }[];
}

beforeAll(async () => {
  base = await ensureBaseImage({ logger: consoleLogger });
  checkouts = cleanCheckouts({
    source: join(repoRoot, 'test', 'fixtures', 'sbom', 'dependencies-01'),
    name: 'sbom-dependencies',
    count: 2,
    prefix: 'bakeline-sbom-',
  });
  ({ sha, clones } = checkouts);
  jars = await mavenPackageEach(clones, github());
}, 900_000);

afterAll(() => {
  checkouts?.remove();
});

describe('docker-bake SBOM of a service with dependencies', () => {
  test('lists the Maven dependencies and the JRE base Debian packages, the same bytes from two checkouts', async () => {
    expect(jars[0]).toMatch(/\/target\/sbom-dependencies\.jar$/);
    const toolCache = mkdtempSync(join(tmpdir(), 'bakeline-sbom-tool-cache-'));
    const runs: HarnessResult[] = [];
    for (const [i, clone] of clones.entries()) {
      mkdirSync(join(clone, '..', `out-${i}`), { recursive: true });
      const result = await runBundledAction('docker-bake', {
        workspace: clone,
        github: github(),
        toolCache,
        inputs: {
          'image-name': 'registry.example/acme/sbom-dependencies',
          'base-image': `oci:${base.layoutDir}`,
          builder: 'jar',
          jar: 'target/sbom-dependencies.jar',
          'output-dir': join(clone, '..', `out-${i}`),
        },
        timeoutMs: 600_000,
      });
      expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
      runs.push(result);
    }
    const [a, b] = runs as [HarnessResult, HarnessResult];
    expect(b.outputs.digest).toBe(a.outputs.digest);
    const digest = a.outputs.digest ?? '';
    const pathA = a.outputs['sbom-path'] ?? '';
    const pathB = b.outputs['sbom-path'] ?? '';
    expect(pathA).toMatch(/\/out-0\/bake-[0-9a-f]{12}\/sbom\.cdx\.json$/);
    expect(pathB).toMatch(/\/out-1\//);
    const bytes = readFileSync(pathA);
    expect(readFileSync(pathB).equals(bytes)).toBe(true);
    // cold, then from the cache by layer digest: the same bytes either way
    expect(a.stdout).toMatch(/SBOM: \d+ components .* \(0 of 2 layers from the cache\)/);
    expect(b.stdout).toMatch(/SBOM: \d+ components .* \(2 of 2 layers from the cache\)/);
    for (const run of runs) console.log(/SBOM: .*/.exec(run.stdout)?.[0]);

    const sbom = JSON.parse(bytes.toString('utf8')) as CycloneDx;
    expect(sbom.specVersion).toBe('1.6');
    expect(sbom.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sbom.metadata.timestamp).toBe('2024-05-01T12:00:00.000Z');
    expect(sbom.metadata.component).toMatchObject({
      type: 'container',
      version: digest,
      purl: `pkg:oci/sbom-dependencies@sha256%3A${digest.slice(7)}?arch=amd64&repository_url=registry.example/acme/sbom-dependencies`,
    });
    const purls = sbom.components.map((c) => c.purl).filter((p): p is string => p !== undefined);
    expect(purls.filter((p) => p.startsWith('pkg:maven/'))).toEqual([
      'pkg:maven/commons-codec/commons-codec@1.17.1',
      'pkg:maven/io.bakeline.fixtures/sbom-dependencies@1.4.0',
      'pkg:maven/org.apache.commons/commons-lang3@3.14.0',
      'pkg:maven/org.apache.commons/commons-text@1.12.0',
    ]);
    expect(purls).toContainEqual(
      expect.stringMatching(/^pkg:deb\/debian\/openjdk-17-jre-headless@17[^?]+\?arch=amd64&distro=debian-12$/),
    );
    expect(purls.filter((p) => p.startsWith('pkg:deb/')).length).toBeGreaterThan(50);
    expect(sbom.components.find((c) => c.type === 'operating-system')).toMatchObject({ name: 'debian', version: '12' });
    const jarSha = createHash('sha256')
      .update(readFileSync(jars[0] ?? ''))
      .digest('hex');
    expect(sbom.components.find((c) => c['bom-ref'] === 'file:/app/app.jar')?.hashes).toEqual([
      { alg: 'SHA-256', content: jarSha },
    ]);
    const refs = sbom.components.map((c) => c['bom-ref']);
    expect(refs).toEqual([...refs].sort());
    expect(new Set(refs).size).toBe(refs.length);
    expect(a.summary).toContain('SBOM (CycloneDX 1.6)');
    expect(a.summary).toMatch(/<td>library<\/td><td>\d+<\/td>/);
  }, 1_200_000);
});
