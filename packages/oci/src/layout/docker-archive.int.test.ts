// Integration: docker save (real engine, classic store) -> OCI layout -> skopeo and docker load.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { execChecked } from '@bakeline/toolkit';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DigestMismatchError } from '../digest-mismatch-error.ts';
import { writeDeterministicLayer } from '../layer/deterministic-layer.ts';
import { indexTar } from '../tar/tar-reader.ts';
import { dockerArchiveToLayout } from './docker-archive-to-layout.ts';
import { verifyLayout } from './layout-read.ts';
import { layoutToDockerArchive } from './layout-to-docker-archive.ts';

const EPOCH = 1_700_000_000;
const suffix = randomBytes(4).toString('hex');
const base = `bakeline-oci-test/base:${suffix}`;
const app = `bakeline-oci-test/app:${suffix}`;
const loaded = `bakeline-oci-test/loaded:${suffix}`;
const work = mkdtempSync(join(tmpdir(), 'oci-docker-archive-'));
const images: string[] = [];

async function docker(args: string[]): Promise<string> {
  return (await execChecked('docker', args, { timeoutMs: 120_000 })).stdout.trim();
}

/** A tiny root filesystem: dirs, files, a symlink, a hardlink, a setuid file, 2 MB of data. */
async function rootfsTar(path: string): Promise<void> {
  const layer = await writeDeterministicLayer(
    [
      { path: 'bin', type: 'dir', mode: 0o755 },
      { path: 'bin/tool', type: 'file', mode: 0o4755, data: Buffer.from('#!/bin/sh\n') },
      { path: 'bin/tool-link', type: 'hardlink', mode: 0o755, linkTarget: 'bin/tool' },
      { path: 'etc', type: 'dir', mode: 0o755 },
      { path: 'etc/os-release', type: 'file', mode: 0o644, data: Buffer.from('ID=bakeline-test\n') },
      { path: 'lib', type: 'symlink', mode: 0o777, linkTarget: 'usr/lib' },
      { path: 'usr/lib/data.bin', type: 'file', mode: 0o644, data: randomBytes(2_000_000) },
      { path: 'tmp', type: 'dir', mode: 0o1777 },
    ],
    { sourceDateEpoch: EPOCH - 1000 },
  );
  writeFileSync(path, gunzipSync(readFileSync(layer.path)));
  rmSync(layer.path);
}

async function buildApp(noCache: boolean): Promise<string> {
  const context = join(work, 'context');
  mkdirSync(context, { recursive: true });
  writeFileSync(join(context, 'app.txt'), 'hello from the app\n');
  writeFileSync(
    join(context, 'Dockerfile'),
    `FROM ${base}\nCOPY app.txt /app/\nENV GREETING=hello\nLABEL org.example.test=yes\nCMD ["/bin/tool"]\n`,
  );
  await docker(['build', ...(noCache ? ['--no-cache'] : []), '-q', '-t', app, context]);
  return docker(['inspect', '--format', '{{.Id}}', app]);
}

async function save(path: string): Promise<void> {
  await docker(['save', '-o', path, app]);
}

beforeAll(async () => {
  await docker(['version', '--format', '{{.Server.Version}}']);
  const rootfs = join(work, 'rootfs.tar');
  await rootfsTar(rootfs);
  await docker(['import', '--change', 'ENV PATH=/bin', rootfs, base]);
  images.push(base, app, loaded);
  await buildApp(false);
  await save(join(work, 'save-1.tar'));
});

afterAll(async () => {
  for (const image of images) await execChecked('docker', ['image', 'rm', '-f', image]).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

/** Rewrites a classic `docker save` archive into the layout newer engines write: OCI blobs + manifest.json + symlinks. */
async function modernArchive(classic: string, target: string, gzipLayers: boolean): Promise<void> {
  const handle = await open(classic, 'r');
  const entries = await indexTar(handle, 0, (await handle.stat()).size, classic);
  const bytes = readFileSync(classic);
  await handle.close();
  const member = (name: string) => {
    const e = entries.find((x) => x.name === name);
    if (!e) throw new Error(`no ${name}`);
    return bytes.subarray(e.dataOffset, e.dataOffset + e.size);
  };
  const [manifest] = JSON.parse(member('manifest.json').toString()) as {
    Config: string;
    RepoTags: string[];
    Layers: string[];
  }[];
  if (!manifest) throw new Error('no manifest');
  const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const p = pack();
  const blobs = new Map<string, Uint8Array>();
  const config = member(manifest.Config);
  blobs.set(hex(config), config);
  const layerNames: string[] = [];
  const symlinks: [string, string][] = [];
  for (const layer of manifest.Layers) {
    const raw = member(layer);
    const data = gzipLayers ? gzipSync(raw) : raw;
    blobs.set(hex(data), data);
    layerNames.push(`blobs/sha256/${hex(data)}`);
    symlinks.push([layer, `../blobs/sha256/${hex(data)}`]);
  }
  p.entry({ name: 'blobs/', type: 'directory' });
  p.entry({ name: 'blobs/sha256/', type: 'directory' });
  for (const [h, data] of blobs) p.entry({ name: `blobs/sha256/${h}` }, Buffer.from(data));
  for (const [name, target] of symlinks) {
    p.entry({ name: `${name.split('/')[0]}/`, type: 'directory' });
    p.entry({ name, type: 'symlink', linkname: target });
  }
  p.entry({ name: 'oci-layout' }, '{"imageLayoutVersion":"1.0.0"}');
  p.entry(
    { name: 'manifest.json' },
    JSON.stringify([{ Config: `blobs/sha256/${hex(config)}`, RepoTags: manifest.RepoTags, Layers: layerNames }]),
  );
  p.finalize();
  const parts: Buffer[] = [];
  for await (const chunk of p) parts.push(chunk as Buffer);
  writeFileSync(target, Buffer.concat(parts));
}

describe('docker archive <-> OCI layout (real engine)', () => {
  it('converts the same image twice to the same manifest digest, which skopeo accepts', async () => {
    const a = await dockerArchiveToLayout(join(work, 'save-1.tar'), join(work, 'layout-a'), { sourceDateEpoch: EPOCH });
    const b = await dockerArchiveToLayout(join(work, 'save-1.tar'), join(work, 'layout-b'), { sourceDateEpoch: EPOCH });
    expect(b.digest).toBe(a.digest);
    expect(a.manifest.layers).toHaveLength(2);
    expect(a.config.created).toBe('2023-11-14T22:13:20Z');
    expect(a.config.history?.every((h) => h.created === '2023-11-14T22:13:20Z')).toBe(true);
    expect(a.config).not.toHaveProperty('container');
    expect(a.config).not.toHaveProperty('container_config');
    expect(a.config.config?.Env).toContain('GREETING=hello');
    await verifyLayout(join(work, 'layout-a'), a.digest);
    const inspect = JSON.parse((await execChecked('skopeo', ['inspect', `oci:${join(work, 'layout-a')}`])).stdout) as {
      Digest: string;
      Layers: string[];
    };
    expect(inspect.Digest).toBe(a.digest);
    expect(inspect.Layers).toEqual(a.manifest.layers.map((l) => l.digest));
  });

  it('gives the same digest for a rebuild without cache (new engine image ID, same inputs)', async () => {
    const first = await dockerArchiveToLayout(join(work, 'save-1.tar'), join(work, 'layout-c'), {
      sourceDateEpoch: EPOCH,
    });
    const oldId = await docker(['inspect', '--format', '{{.Id}}', app]);
    const newId = await buildApp(true);
    expect(newId).not.toBe(oldId);
    await save(join(work, 'save-2.tar'));
    const second = await dockerArchiveToLayout(join(work, 'save-2.tar'), join(work, 'layout-d'), {
      sourceDateEpoch: EPOCH,
    });
    expect(second.digest).toBe(first.digest);
  });

  it.each([
    ['uncompressed OCI blobs with legacy symlinks', false],
    ['gzip OCI blobs', true],
  ])('reads the archive layout of newer engines (%s) to the same digest', async (_name, gzipLayers) => {
    const classic = await dockerArchiveToLayout(join(work, 'save-1.tar'), join(work, `layout-e-${gzipLayers}`), {
      sourceDateEpoch: EPOCH,
    });
    const modern = join(work, `modern-${gzipLayers}.tar`);
    await modernArchive(join(work, 'save-1.tar'), modern, gzipLayers);
    const converted = await dockerArchiveToLayout(modern, join(work, `layout-f-${gzipLayers}`), {
      sourceDateEpoch: EPOCH,
    });
    expect(converted.digest).toBe(classic.digest);
  });

  it('refuses an archive whose layer does not match its diff_id, naming both digests', async () => {
    const bytes = Buffer.from(readFileSync(join(work, 'save-1.tar')));
    const handle = await open(join(work, 'save-1.tar'), 'r');
    const entries = await indexTar(handle, 0, bytes.length, 'save');
    await handle.close();
    const layer = entries.find((e) => e.name.endsWith('layer.tar') && e.size > 1_000_000);
    if (!layer) throw new Error('no big layer');
    const at = layer.dataOffset + layer.size - 5000;
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    writeFileSync(join(work, 'tampered.tar'), bytes);
    const error = await dockerArchiveToLayout(join(work, 'tampered.tar'), join(work, 'layout-g'), {
      sourceDateEpoch: EPOCH,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect(String(error)).toMatch(
      /layer 1\/2 .*layer\.tar' of docker archive .*: expected sha256:[0-9a-f]{64}, got sha256:/,
    );
  });

  it('writes an archive docker load accepts, whose image ID is the config digest', async () => {
    const image = await dockerArchiveToLayout(join(work, 'save-1.tar'), join(work, 'layout-h'), {
      sourceDateEpoch: EPOCH,
    });
    const result = await layoutToDockerArchive(join(work, 'layout-h'), image.digest, join(work, 'load.tar'), {
      repoTag: loaded,
    });
    expect(result.configDigest).toBe(image.configDigest);
    await docker(['load', '-i', join(work, 'load.tar')]);
    expect(await docker(['inspect', '--format', '{{.Id}}', loaded])).toBe(image.configDigest);
    // and the loaded image converts back to the same image
    await docker(['save', '-o', join(work, 'resave.tar'), loaded]);
    const again = await dockerArchiveToLayout(join(work, 'resave.tar'), join(work, 'layout-i'), {
      sourceDateEpoch: EPOCH,
    });
    expect(again.digest).toBe(image.digest);
  });
});
