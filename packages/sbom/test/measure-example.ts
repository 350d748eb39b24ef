// Measures the SBOM step on a baked image by hand (not a test): cold, base cached, all cached.
//   node packages/sbom/test/measure-example.ts <jar> <base layout> <work dir>
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { bake, DEFAULT_USER } from '@bakeline/bake';
import { readLayoutImage } from '@bakeline/oci';
import { silentLogger } from '@bakeline/toolkit';
import { writeImageSbom } from '../src/index.ts';

const [jarPath = '', baseLayout = '', work = ''] = process.argv.slice(2);
const result = await bake({
  builder: 'jar',
  jarPath,
  base: { kind: 'layout', dir: baseLayout },
  settings: { user: DEFAULT_USER },
  outputDir: join(work, 'out'),
  sourceDateEpoch: 1714564800,
  annotations: {},
  labels: {},
  logger: silentLogger,
  dockerConfigPath: join(work, 'docker-config.json'),
  pullCacheDir: join(work, 'pull'),
});
const image = await readLayoutImage(result.layoutDir, { digest: result.digest });
const newLayers = new Set(result.layers.filter((l) => l.origin === 'new').map((l) => l.digest));
const cacheDir = join(work, 'cache');
rmSync(cacheDir, { recursive: true, force: true });
const run = () =>
  writeImageSbom({
    layoutDir: result.layoutDir,
    digest: image.digest,
    repository: 'licensing-service',
    sourceDateEpoch: 1714564800,
    newLayers,
    outputPath: join(work, 'sbom.cdx.json'),
    cacheDir,
    logger: silentLogger,
  });
const cold = await run();
// the base's findings cached, the application layer's not (a new commit)
for (const d of newLayers) rmSync(join(cacheDir, 'v1', `${d.slice(7)}-files.json`), { force: true });
const baseCached = [];
for (let i = 0; i < 5; i++) {
  for (const d of newLayers) rmSync(join(cacheDir, 'v1', `${d.slice(7)}-files.json`), { force: true });
  baseCached.push((await run()).durationMs);
}
const allCached = [];
for (let i = 0; i < 5; i++) allCached.push((await run()).durationMs);
console.log(
  JSON.stringify({ counts: cold.counts, coldMs: cold.durationMs, baseCachedMs: baseCached, allCachedMs: allCached }),
);
