// The job summary of a bake: the digest and what it is made of.
import type { BakeOutcome } from '@bakeline/bake';
import { formatBytes, summary } from '@bakeline/toolkit';

function short(digest: string): string {
  return `\`${digest.slice(0, 'sha256:'.length + 12)}\``;
}

export async function writeSummary(imageName: string, tags: readonly string[], result: BakeOutcome): Promise<void> {
  const added = result.layers.filter((l) => l.origin === 'new');
  await summary
    .addHeading(`Baked ${imageName}`, 3)
    .addTable([
      [
        { data: 'digest', header: true },
        { data: 'config digest', header: true },
        { data: 'size', header: true },
        { data: 'platform', header: true },
        { data: 'builder', header: true },
        { data: 'base image', header: true },
      ],
      [
        `\`${result.digest}\``,
        `\`${result.configDigest}\``,
        formatBytes(result.size),
        result.platform,
        result.builder,
        result.baseDigest
          ? `${result.baseName ?? ''} \`${result.baseDigest}\`${result.basePinned ? '' : ' (tag resolved by this build: pin it)'}`
          : (result.baseName ?? 'unknown'),
      ],
    ])
    .addHeading(
      `Layers: ${result.layers.length} (${added.length} new, ${formatBytes(added.reduce((s, l) => s + l.size, 0))})`,
      4,
    )
    .addTable([
      [
        { data: '#', header: true },
        { data: 'digest', header: true },
        { data: 'size', header: true },
        { data: 'origin', header: true },
        { data: 'created by', header: true },
      ],
      ...result.layers.map((l, i) => [
        String(i + 1),
        short(l.digest),
        formatBytes(l.size),
        l.origin === 'new' ? '**new**' : 'base',
        l.createdBy ?? '',
      ]),
    ])
    .addHeading('Tags', 4)
    .addList(tags.map((t) => `\`${imageName}:${t}\``))
    .addHeading('Labels', 4)
    .addTable([
      [
        { data: 'label', header: true },
        { data: 'value', header: true },
      ],
      ...Object.entries(result.labels).map(([k, v]) => [`\`${k}\``, v]),
    ])
    .write();
}
