// Reads an image's digest by tag from ECR (DescribeImages): how a tag given to eks-promote with
// `allow-tag` becomes the digest the workload is set to.
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import type { CredentialsProvider } from './credentials.ts';

const ECR_HOST = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

export interface EcrImageRef {
  registryId: string;
  region: string;
  repository: string;
  tag: string;
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

export async function ecrDigestForTag(
  ref: EcrImageRef,
  credentials: CredentialsProvider,
  endpoint?: string,
): Promise<string> {
  const client = new ECRClient({ region: ref.region, credentials, ...(endpoint ? { endpoint } : {}), maxAttempts: 4 });
  try {
    const out = await client.send(
      new DescribeImagesCommand({
        registryId: ref.registryId,
        repositoryName: ref.repository,
        imageIds: [{ imageTag: ref.tag }],
      }),
    );
    const digest = out.imageDetails?.[0]?.imageDigest;
    if (!digest) throw new Error(`ECR has no image tagged '${ref.tag}' in ${ref.repository}`);
    return digest;
  } catch (error: unknown) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'ImageNotFoundException' || name === 'RepositoryNotFoundException') {
      throw new Error(`ECR has no image '${ref.repository}:${ref.tag}' (${name})`, { cause: error });
    }
    throw error;
  } finally {
    client.destroy();
  }
}
