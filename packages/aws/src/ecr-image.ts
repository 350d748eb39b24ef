// An image of an ECR repository by tag (DescribeImages): its digest, tags and scan status. How a
// tag given to eks-promote with `allow-tag` becomes the digest the workload is set to.
import { DescribeImagesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { type ImageReference, parseReference } from '@bakeline/oci';
import type { CredentialsProvider } from './aws-credentials.ts';
import { awsErrorCode } from './aws-error.ts';
import { createEcrClient } from './ecr-client.ts';
import { explainEcrError } from './ecr-errors.ts';
import { ecrHostRegion } from './ecr-registry.ts';

export interface EcrImageRef {
  registryId: string;
  region: string;
  repository: string;
  tag: string;
}

export interface EcrImageDetail {
  digest: string;
  tags: string[];
  pushedAt?: Date;
  sizeBytes?: number;
  scanStatus?: string;
}

/**
 * `<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>` -> its parts (read with the oci reference
 * parser; the host is case-insensitive); undefined for other registries and for digest references.
 */
export function parseEcrImage(image: string): EcrImageRef | undefined {
  let reference: ImageReference;
  try {
    reference = parseReference(image);
  } catch {
    return undefined;
  }
  const host = reference.registry.toLowerCase();
  const region = ecrHostRegion(host);
  if (!region || reference.digest || reference.tag === undefined) return undefined;
  return { registryId: host.slice(0, host.indexOf('.')), region, repository: reference.repository, tag: reference.tag };
}

/** The image a tag names, or undefined when the tag (or the repository) does not exist. */
export async function describeImageByTag(
  client: ECRClient,
  image: { repository: string; tag: string; registryId?: string },
): Promise<EcrImageDetail | undefined> {
  try {
    const out = await client.send(
      new DescribeImagesCommand({
        ...(image.registryId ? { registryId: image.registryId } : {}),
        repositoryName: image.repository,
        imageIds: [{ imageTag: image.tag }],
      }),
    );
    const detail = out.imageDetails?.[0];
    if (!detail?.imageDigest) return undefined;
    const result: EcrImageDetail = { digest: detail.imageDigest, tags: detail.imageTags ?? [] };
    if (detail.imagePushedAt) result.pushedAt = detail.imagePushedAt;
    if (detail.imageSizeInBytes !== undefined) result.sizeBytes = detail.imageSizeInBytes;
    if (detail.imageScanStatus?.status) result.scanStatus = detail.imageScanStatus.status;
    return result;
  } catch (error: unknown) {
    const code = awsErrorCode(error);
    if (code === 'ImageNotFoundException' || code === 'RepositoryNotFoundException') return undefined;
    throw explainEcrError(error, `Could not describe ${image.repository}:${image.tag}`, 'ecr:DescribeImages');
  }
}

export async function ecrDigestForTag(
  ref: EcrImageRef,
  credentials: CredentialsProvider,
  endpoint?: string,
): Promise<string> {
  const client = createEcrClient({ region: ref.region, credentials, ...(endpoint ? { endpoint } : {}) });
  try {
    const detail = await describeImageByTag(client, ref);
    if (!detail) throw new Error(`ECR has no image '${ref.repository}:${ref.tag}' in registry ${ref.registryId}`);
    return detail.digest;
  } finally {
    client.destroy();
  }
}
