// Small deterministic OCI images and a plain distribution-API push, for the local cloud's own
// tests (no Docker needed): blobs go up with POST + PUT (monolithic) or in PATCH chunks.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export interface Blob {
  digest: string;
  bytes: Buffer;
  mediaType: string;
}

export interface TinyImage {
  config: Blob;
  layers: Blob[];
  manifest: Buffer;
  digest: string;
  mediaType: string;
}

export function blob(bytes: Buffer, mediaType: string): Blob {
  return { digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, bytes, mediaType };
}

/** A one-file layer as a minimal ustar archive (gzip), distinct per `seed`. */
export function tinyLayer(seed: string): Blob {
  const content = Buffer.from(`${seed}\n`);
  const header = Buffer.alloc(512);
  header.write(`${seed.replace(/[^a-z0-9]/gi, '_').slice(0, 90)}.txt`, 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const body = Buffer.concat([content, Buffer.alloc(512 - (content.length % 512))]);
  return blob(
    gzipSync(Buffer.concat([header, body, Buffer.alloc(1024)]), { level: 9 }),
    'application/vnd.oci.image.layer.v1.tar+gzip',
  );
}

export function tinyImage(seed: string, options: { omitMediaType?: boolean; extraLayers?: Blob[] } = {}): TinyImage {
  const layers = [...(options.extraLayers ?? []), tinyLayer(seed)];
  const config = blob(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: { Env: [`SEED=${seed}`] },
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      }),
    ),
    'application/vnd.oci.image.config.v1+json',
  );
  const mediaType = 'application/vnd.oci.image.manifest.v1+json';
  const doc = {
    schemaVersion: 2,
    ...(options.omitMediaType === true ? {} : { mediaType }),
    config: { mediaType: config.mediaType, digest: config.digest, size: config.bytes.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.bytes.length })),
  };
  const manifest = Buffer.from(JSON.stringify(doc));
  return { config, layers, manifest, digest: blob(manifest, mediaType).digest, mediaType };
}

export function basicAuth(password: string): string {
  return `Basic ${Buffer.from(`AWS:${password}`).toString('base64')}`;
}

/** Uploads one blob (POST, then PUT with the bytes) and returns the final response. */
export async function uploadBlob(
  registryUrl: string,
  repository: string,
  b: Blob,
  authorization: string,
): Promise<Response> {
  const start = await fetch(`${registryUrl}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers: { authorization },
  });
  if (start.status !== 202) throw new Error(`POST upload ${repository}: ${start.status} ${await start.text()}`);
  const location = new URL(start.headers.get('location') ?? '', registryUrl);
  location.searchParams.set('digest', b.digest);
  return fetch(location, {
    method: 'PUT',
    headers: { authorization, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(b.bytes),
  });
}

/** Pushes every blob and the manifest under `reference`; returns the manifest PUT's response. */
export async function pushImage(
  registryUrl: string,
  repository: string,
  image: TinyImage,
  reference: string,
  authorization: string,
): Promise<Response> {
  for (const b of [image.config, ...image.layers]) {
    const res = await uploadBlob(registryUrl, repository, b, authorization);
    if (res.status !== 201) throw new Error(`upload ${b.digest} to ${repository}: ${res.status} ${await res.text()}`);
  }
  return fetch(`${registryUrl}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: { authorization, 'content-type': image.mediaType },
    body: new Uint8Array(image.manifest),
  });
}
