// Attestations as OCI 1.1 referrers of the image, as cosign and GitHub's attest actions store
// them: a manifest whose artifactType is the Sigstore bundle media type, config the empty
// descriptor, one layer the bundle JSON, `subject` the image; found again through
// `GET /v2/<name>/referrers/<digest>?artifactType=...`. Talks the distribution API with Basic
// credentials (ECR: `AWS:<token>`) over http for loopback registries, https otherwise.
import { createHash } from 'node:crypto';
import type { SerializedBundle } from '@sigstore/bundle';

export const SIGSTORE_BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const EMPTY_BYTES = Buffer.from('{}');

export interface OciRepository {
  /** `host[:port]` */
  registry: string;
  repository: string;
  /** Basic credentials (ECR: `AWS` and the GetAuthorizationToken password); none: anonymous. */
  credentials?: { username: string; password: string };
  fetch?: typeof fetch;
}

export interface ReferrerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

function base(repo: OciRepository): string {
  const loopback = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(repo.registry);
  return `${loopback ? 'http' : 'https'}://${repo.registry}/v2/${repo.repository}`;
}

function auth(repo: OciRepository): Record<string, string> {
  if (!repo.credentials) return {};
  const { username, password } = repo.credentials;
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}

async function call(repo: OciRepository, url: string, init: RequestInit, what: string, ok: number[]) {
  const res = await (repo.fetch ?? fetch)(url, {
    ...init,
    headers: { ...auth(repo), ...(init.headers as Record<string, string>) },
    signal: AbortSignal.timeout(60_000),
  });
  if (!ok.includes(res.status)) {
    throw new Error(
      `${what} in ${repo.registry}/${repo.repository}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`,
    );
  }
  return res;
}

async function pushBlob(repo: OciRepository, bytes: Buffer): Promise<string> {
  const digest = sha256(bytes);
  const head = await (repo.fetch ?? fetch)(`${base(repo)}/blobs/${digest}`, { method: 'HEAD', headers: auth(repo) });
  if (head.status === 200) return digest;
  const start = await call(repo, `${base(repo)}/blobs/uploads/`, { method: 'POST' }, 'start a blob upload', [202]);
  const location = new URL(start.headers.get('location') ?? '', `${base(repo)}/`);
  location.searchParams.set('digest', digest);
  await call(
    repo,
    location.toString(),
    { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(bytes) },
    `upload blob ${digest}`,
    [201],
  );
  return digest;
}

/** The referrer manifest for `bundle` (bytes as pushed), for the image `subject`. */
export function referrerManifest(
  bundle: SerializedBundle,
  subject: { digest: string; mediaType: string; size: number },
  predicateType: string,
): { manifest: Buffer; bundleBytes: Buffer } {
  const bundleBytes = Buffer.from(JSON.stringify(bundle), 'utf8');
  const doc = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: SIGSTORE_BUNDLE_MEDIA_TYPE,
    config: { mediaType: OCI_EMPTY, digest: sha256(EMPTY_BYTES), size: EMPTY_BYTES.length },
    layers: [{ mediaType: SIGSTORE_BUNDLE_MEDIA_TYPE, digest: sha256(bundleBytes), size: bundleBytes.length }],
    subject,
    annotations: {
      'dev.sigstore.bundle.content': 'dsse-envelope',
      'dev.sigstore.bundle.predicateType': predicateType,
    },
  };
  return { manifest: Buffer.from(JSON.stringify(doc), 'utf8'), bundleBytes };
}

/** Pushes `bundle` as a referrer of `subject`; returns the referrer manifest's digest. */
export async function pushReferrer(
  repo: OciRepository,
  bundle: SerializedBundle,
  subject: { digest: string; mediaType: string; size: number },
  predicateType: string,
): Promise<{ digest: string; manifest: Buffer }> {
  const { manifest, bundleBytes } = referrerManifest(bundle, subject, predicateType);
  await pushBlob(repo, EMPTY_BYTES);
  await pushBlob(repo, bundleBytes);
  const digest = sha256(manifest);
  await call(
    repo,
    `${base(repo)}/manifests/${digest}`,
    { method: 'PUT', headers: { 'content-type': OCI_MANIFEST }, body: new Uint8Array(manifest) },
    `put referrer manifest ${digest}`,
    [201],
  );
  return { digest, manifest };
}

/** The descriptor (media type, digest, size) of the image manifest `digest`, as a subject. */
export async function subjectDescriptor(
  repo: OciRepository,
  digest: string,
): Promise<{ digest: string; mediaType: string; size: number }> {
  const res = await call(
    repo,
    `${base(repo)}/manifests/${digest}`,
    {
      method: 'GET',
      headers: {
        accept: [
          OCI_MANIFEST,
          'application/vnd.oci.image.index.v1+json',
          'application/vnd.docker.distribution.manifest.v2+json',
        ].join(', '),
      },
    },
    `read manifest ${digest}`,
    [200],
  );
  const bytes = Buffer.from(await res.arrayBuffer());
  if (sha256(bytes) !== digest) throw new Error(`manifest ${digest}: the registry answered other bytes`);
  const mediaType = (res.headers.get('content-type') ?? '').split(';')[0] ?? '';
  return { digest, mediaType, size: bytes.length };
}

export async function listReferrers(repo: OciRepository, digest: string): Promise<ReferrerDescriptor[]> {
  const res = await call(
    repo,
    `${base(repo)}/referrers/${digest}?artifactType=${encodeURIComponent(SIGSTORE_BUNDLE_MEDIA_TYPE)}`,
    { method: 'GET', headers: { accept: 'application/vnd.oci.image.index.v1+json' } },
    `list referrers of ${digest}`,
    [200],
  );
  const index = (await res.json()) as { manifests?: ReferrerDescriptor[] };
  return (index.manifests ?? []).filter((m) => m.artifactType === SIGSTORE_BUNDLE_MEDIA_TYPE);
}

/** The bundles stored as referrers of `digest` (each layer checked against its digest). */
export async function bundlesFromReferrers(repo: OciRepository, digest: string): Promise<SerializedBundle[]> {
  const bundles: SerializedBundle[] = [];
  for (const referrer of await listReferrers(repo, digest)) {
    const res = await call(
      repo,
      `${base(repo)}/manifests/${referrer.digest}`,
      { method: 'GET', headers: { accept: OCI_MANIFEST } },
      `read referrer ${referrer.digest}`,
      [200],
    );
    const manifest = (await res.json()) as { layers?: { digest?: string; mediaType?: string }[] };
    const layer = manifest.layers?.find((l) => l.mediaType === SIGSTORE_BUNDLE_MEDIA_TYPE);
    if (!layer?.digest) continue;
    const blob = await call(
      repo,
      `${base(repo)}/blobs/${layer.digest}`,
      { method: 'GET' },
      `read ${layer.digest}`,
      [200],
    );
    const bytes = Buffer.from(await blob.arrayBuffer());
    if (sha256(bytes) !== layer.digest)
      throw new Error(`referrer ${referrer.digest}: its bundle blob does not match its digest`);
    bundles.push(JSON.parse(bytes.toString('utf8')) as SerializedBundle);
  }
  return bundles;
}
