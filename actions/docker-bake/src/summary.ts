// The job summary of a bake: the digest and what it is made of.
import { summary } from '@bakeline/action-io';
import type { BakeOutcome } from '@bakeline/bake';
import { formatBytes } from '@bakeline/toolkit';

/** Summary tables are HTML: code goes in <code>, text is escaped. */
function code(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function short(digest: string): string {
  return code(digest.slice(0, 'sha256:'.length + 12));
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
        code(result.digest),
        code(result.configDigest),
        formatBytes(result.size),
        result.platform,
        result.builder,
        result.baseDigest
          ? `${escapeHtml(result.baseName ?? '')} ${code(result.baseDigest)}${result.basePinned ? '' : ' (tag resolved by this build: pin it)'}`
          : escapeHtml(result.baseName ?? 'unknown'),
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
        l.origin === 'new' ? '<b>new</b>' : 'base',
        escapeHtml(l.createdBy ?? ''),
      ]),
    ])
    .addHeading('Tags', 4)
    .addList(tags.map((t) => code(`${imageName}:${t}`)))
    .addHeading('Labels', 4)
    .addTable([
      [
        { data: 'label', header: true },
        { data: 'value', header: true },
      ],
      ...Object.entries(result.labels).map(([k, v]) => [code(k), escapeHtml(v)]),
    ]);
  if (result.engine) {
    const id = result.engine.imageIdIs === 'config-digest' ? result.configDigest : result.digest;
    summary.addRaw(
      `<p>Docker engine ${escapeHtml(result.engine.serverVersion)}, ${result.engine.imageStore} image store (${escapeHtml(result.engine.storageDriver)}): once loaded or pulled, the image ID is the ${result.engine.imageIdIs} ${code(id)}.</p>`,
      true,
    );
  }
  await summary.write();
}
