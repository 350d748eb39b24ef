// An image of an ECR repository by tag (DescribeImages): its digest, tags and scan status. How a
// tag given to eks-promote with `allow-tag` becomes the digest the workload is set to.
import { DescribeImagesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import type { CredentialsProvider } from './aws-credentials.ts';
import { awsErrorCode } from './aws-error.ts';
import { createEcrClient } from './ecr-client.ts';
import { explainEcrError } from './ecr-errors.ts';

const ECR_HOST = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

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

/** `<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>` -> its parts; undefined for other registries. */
export function parseEcrImage(image: string): EcrImageRef | undefined {
  const slash = image.indexOf('/');
  const host = image.slice(0, slash);
  const match = ECR_HOST.exec(host);
  if (slash < 0 || !match) return undefined;
  const rest = image.slice(slash + 1);
  const colon = rest.lastIndexOf(':');
  if (colon < 0 || rest.includes('@')) return undefined;
  return {
    registryId: match[1] ?? '',
    region: match[2] ?? '',
    repository: rest.slice(0, colon),
    tag: rest.slice(colon + 1),
  };
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
