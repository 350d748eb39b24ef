// The OCI distribution spec 1.1 referrers API, which ECR serves and Distribution 2.8 lacks:
// `GET /v2/<name>/referrers/<digest>[?artifactType=...]` answers an image index of the
// descriptors of every manifest in the repository whose `subject` is that digest, with each one's
// artifactType (its own, else its config's media type) and annotations. Filtering by artifactType
// is announced with `OCI-Filters-Applied: artifactType`. An ill-formed digest is a 400, never a
// 404 (spec: "the registry MUST NOT return a 404 Not Found to a referrers API request").
// Built from the manifests the local ECR already holds, so it survives a restart with them.
import type { EcrRepository } from '../ecr/ecr-registry.ts';
import { isDigest } from '../ecr/repository-name.ts';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export interface ReferrerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

interface ManifestFields {
  mediaType?: unknown;
  artifactType?: unknown;
  config?: { mediaType?: unknown };
  subject?: { digest?: unknown };
  annotations?: unknown;
}

function fields(bytes: Buffer): ManifestFields | undefined {
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as unknown;
    return typeof doc === 'object' && doc !== null ? (doc as ManifestFields) : undefined;
  } catch {
    return undefined;
  }
}

/** The digest a manifest names as its `subject`, if any. */
export function subjectOf(bytes: Buffer): string | undefined {
  const digest = fields(bytes)?.subject?.digest;
  return typeof digest === 'string' ? digest : undefined;
}

export class ReferrersRequestError extends Error {}

export function referrersIndex(
  repo: EcrRepository,
  subjectDigest: string,
  artifactType: string | null,
): { index: { schemaVersion: 2; mediaType: string; manifests: ReferrerDescriptor[] }; filtered: boolean } {
  if (!isDigest(subjectDigest)) throw new ReferrersRequestError(`invalid digest '${subjectDigest}'`);
  const manifests: ReferrerDescriptor[] = [];
  for (const image of repo.images.values()) {
    const doc = fields(image.manifest);
    if (doc?.subject?.digest !== subjectDigest) continue;
    const type =
      typeof doc.artifactType === 'string'
        ? doc.artifactType
        : typeof doc.config?.mediaType === 'string'
          ? doc.config.mediaType
          : undefined;
    if (artifactType !== null && type !== artifactType) continue;
    const descriptor: ReferrerDescriptor = {
      mediaType: image.mediaType,
      digest: image.digest,
      size: image.manifest.length,
    };
    if (type !== undefined) descriptor.artifactType = type;
    if (typeof doc.annotations === 'object' && doc.annotations !== null) {
      descriptor.annotations = doc.annotations as Record<string, string>;
    }
    manifests.push(descriptor);
  }
  manifests.sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
  return { index: { schemaVersion: 2, mediaType: OCI_INDEX, manifests }, filtered: artifactType !== null };
}
