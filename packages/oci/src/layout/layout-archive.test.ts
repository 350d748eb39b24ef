import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImageConfig } from '../image-types.ts';
import { MediaType } from '../media-types.ts';
import { packLayout, unpackLayout } from './layout-archive.ts';
import { verifyLayout } from './layout-read.ts';
import { LayoutWriter } from './layout-writer.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'oci-archive-test-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function layout(dir: string) {
  const writer = await LayoutWriter.create(dir);
  const layer = await writer.writeBlob(Readable.from([Buffer.alloc(3 * 1024 * 1024, 1)]), MediaType.OciLayerGzip);
  const config: ImageConfig = {
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
  };
  const configDescriptor = await writer.writeJson(config, MediaType.OciConfig);
  return writer.writeManifest({
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: configDescriptor,
    layers: [layer],
  });
}

function craftedTar(
  entries: { name: string; type?: 'file' | 'symlink' | 'link' | 'directory'; linkname?: string }[],
): Promise<Buffer> {
  const p = pack();
  for (const e of entries) {
    if (e.type === undefined || e.type === 'file') p.entry({ name: e.name }, 'x');
    else p.entry({ name: e.name, type: e.type, ...(e.linkname ? { linkname: e.linkname } : {}) });
  }
  p.finalize();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    p.on('data', (c: unknown) => {
      parts.push(c as Buffer);
    });
    p.on('end', () => resolve(Buffer.concat(parts)));
    p.on('error', reject);
  });
}

describe('packLayout / unpackLayout', () => {
  it('packs the same layout to the same bytes and unpacks it to a layout that verifies', async () => {
    const a = tempDir();
    const b = tempDir();
    const descriptor = await layout(a);
    await layout(b);
    const out = tempDir();
    await packLayout(a, join(out, 'a.tar'));
    await packLayout(b, join(out, 'b.tar'));
    const hash = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
    expect(hash(join(out, 'a.tar'))).toBe(hash(join(out, 'b.tar')));
    const target = join(out, 'unpacked');
    await unpackLayout(join(out, 'a.tar'), target);
    await expect(verifyLayout(target, descriptor.digest)).resolves.toMatchObject({ digest: descriptor.digest });
  });

  it.each([
    [[{ name: '../evil' }], /'\.\.\/evil'.*without '\.\.'/],
    [[{ name: 'blobs/../../evil' }], /without '\.\.'/],
    [[{ name: '/etc/evil' }], /'\/etc\/evil' has an absolute path/],
    [[{ name: 'blobs', type: 'symlink', linkname: '/etc' }], /'blobs' is a symlink/],
    [[{ name: 'a' }, { name: 'b', type: 'link', linkname: 'a' }], /'b' is a hardlink/],
  ] as const)('refuses a crafted archive before writing anything (%#)', async (entries, message) => {
    const dir = tempDir();
    const tarPath = join(dir, 'crafted.tar');
    writeFileSync(tarPath, await craftedTar([...entries]));
    const target = join(dir, 'out');
    await expect(unpackLayout(tarPath, target)).rejects.toThrow(message);
    expect(() => readFileSync(join(target, 'a'))).toThrow();
  });

  it('refuses to unpack into a directory that is not empty', async () => {
    const dir = tempDir();
    await layout(join(dir, 'src'));
    await packLayout(join(dir, 'src'), join(dir, 'l.tar'));
    await expect(unpackLayout(join(dir, 'l.tar'), join(dir, 'src'))).rejects.toThrow(/is not empty/);
  });

  it('refuses a truncated archive', async () => {
    const dir = tempDir();
    await layout(join(dir, 'src'));
    await packLayout(join(dir, 'src'), join(dir, 'l.tar'));
    const bytes = readFileSync(join(dir, 'l.tar'));
    writeFileSync(join(dir, 'cut.tar'), bytes.subarray(0, 2_000_000));
    await expect(unpackLayout(join(dir, 'cut.tar'), join(dir, 'out'))).rejects.toThrow(/truncated/);
  });
});
