// The SBOM of the baked image, once its digest is known: written beside the layout, and a summary
// table of its components by type.
import { join } from 'node:path';
import { coreLogger, summary } from '@bakeline/action-io';
import type { BakeOutcome } from '@bakeline/bake';
import { type ImageSbomResult, writeImageSbom } from '@bakeline/sbom';
import { escapeHtml, formatBytes } from '@bakeline/toolkit';
import type { Inputs } from './inputs.ts';

export const SBOM_FILE = 'sbom.cdx.json';

export async function writeSbom(inputs: Inputs, result: BakeOutcome, signal: AbortSignal): Promise<ImageSbomResult> {
  signal.throwIfAborted();
  const sbom = await writeImageSbom({
    layoutDir: result.layoutDir,
    digest: result.digest,
    repository: inputs.imageName,
    sourceDateEpoch: inputs.sourceDateEpoch,
    newLayers: new Set(result.layers.filter((l) => l.origin === 'new').map((l) => l.digest)),
    outputPath: join(result.runDir, SBOM_FILE),
    cacheDir: inputs.sbomCacheDir,
    logger: coreLogger,
    signal,
  });
  const total = Object.values(sbom.counts).reduce((s, n) => s + n, 0);
  coreLogger.info(
    `SBOM: ${total} components (${describeCounts(sbom)}), ${formatBytes(sbom.bytes)}, in ${sbom.durationMs} ms (${sbom.cachedLayers} of ${sbom.layers} layers from the cache): ${sbom.path}`,
  );
  return sbom;
}

function describeCounts(sbom: ImageSbomResult): string {
  return Object.entries(sbom.counts)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([type, count]) => `${count} ${type}`)
    .join(', ');
}

export async function writeSbomSummary(sbom: ImageSbomResult): Promise<void> {
  const rows = Object.entries(sbom.counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  await summary
    .addHeading('SBOM (CycloneDX 1.6)', 4)
    .addTable([
      [
        { data: 'component type', header: true },
        { data: 'count', header: true },
      ],
      ...rows.map(([type, count]) => [escapeHtml(type), String(count)]),
      ['<b>total</b>', `<b>${rows.reduce((s, [, n]) => s + n, 0)}</b>`],
    ])
    .addRaw(`<p><code>${escapeHtml(sbom.path)}</code> (${formatBytes(sbom.bytes)})</p>`, true)
    .write();
}
