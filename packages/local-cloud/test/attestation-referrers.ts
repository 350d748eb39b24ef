// Attestation referrers as packages/attest/src/store/oci-referrers.ts pushes them (the shape, not
// the signing): an OCI image manifest with artifactType the Sigstore bundle media type, the empty
// config, one layer (the bundle JSON), `subject` the image, and no tag. The "bundle" here is a
// stand-in JSON document, distinct per seed; only the manifest's shape matters to the registry.
import { blob, pushImage, type TinyImage } from './tiny-image.ts';

export const SIGSTORE_BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

export interface Subject {
  digest: string;
  mediaType: string;
  size: number;
}

export function attestationReferrer(subject: Subject, predicateType: string, seed: string): TinyImage {
  const config = blob(Buffer.from('{}'), 'application/vnd.oci.empty.v1+json');
  const bundle = blob(
    Buffer.from(JSON.stringify({ mediaType: SIGSTORE_BUNDLE_MEDIA_TYPE, seed, predicateType })),
    SIGSTORE_BUNDLE_MEDIA_TYPE,
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: SIGSTORE_BUNDLE_MEDIA_TYPE,
      config: { mediaType: config.mediaType, digest: config.digest, size: config.bytes.length },
      layers: [{ mediaType: bundle.mediaType, digest: bundle.digest, size: bundle.bytes.length }],
      subject,
      annotations: {
        'dev.sigstore.bundle.content': 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': predicateType,
      },
    }),
  );
  return { config, layers: [bundle], manifest, digest: blob(manifest, OCI_MANIFEST).digest, mediaType: OCI_MANIFEST };
}

/** Pushes an image (or referrer) under `reference` and fails unless the registry stored it. */
export async function pushOrFail(
  registryUrl: string,
  repository: string,
  image: TinyImage,
  reference: string,
  authorization: string,
): Promise<void> {
  const res = await pushImage(registryUrl, repository, image, reference, authorization);
  if (res.status !== 201) throw new Error(`push ${repository}:${reference}: ${res.status} ${await res.text()}`);
}
