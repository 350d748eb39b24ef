// Where a missing blob can be mounted from instead of uploaded: other repositories of the same
// registry (DescribeRepositories, bounded), checked with a HEAD of each missing blob. ECR mounts
// a blob only from a repository whose images reference it, so the repositories that hold the
// most of the missing blobs are tried first, and only a few.
import { DescribeRepositoriesCommand, type ECRClient, type Repository } from '@aws-sdk/client-ecr';
import { mapConcurrent } from '@bakeline/oci';
import { errorMessage, type Logger, silentLogger } from '@bakeline/toolkit';

export interface MountSourceOptions {
  repository: string;
  registryId?: string;
  /** Repositories listed at most (default 200: two pages). */
  listLimit?: number;
  logger?: Logger;
}

function sharedPrefix(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return n;
}

/** Other repositories of the registry, most alike first (same namespace), then most recent. Empty without permission. */
export async function listOtherRepositories(client: ECRClient, options: MountSourceOptions): Promise<string[]> {
  const limit = options.listLimit ?? 200;
  const logger = options.logger ?? silentLogger;
  const found: Repository[] = [];
  let nextToken: string | undefined;
  try {
    for (let page = 0; page < Math.ceil(limit / 100); page++) {
      const out = await client.send(
        new DescribeRepositoriesCommand({
          ...(options.registryId ? { registryId: options.registryId } : {}),
          maxResults: 100,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      found.push(...(out.repositories ?? []));
      nextToken = out.nextToken;
      if (!nextToken) break;
    }
  } catch (error: unknown) {
    // mounting saves uploads; without ecr:DescribeRepositories the blobs are uploaded instead
    logger.debug(`no mount sources: ${errorMessage(error)}`);
    return [];
  }
  return found
    .filter((r) => r.repositoryName && r.repositoryName !== options.repository)
    .sort(
      (a, b) =>
        sharedPrefix(b.repositoryName ?? '', options.repository) -
          sharedPrefix(a.repositoryName ?? '', options.repository) ||
        (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0),
    )
    .map((r) => r.repositoryName ?? '')
    .slice(0, limit);
}

/**
 * The repositories to mount `missing` blobs from, best first: each candidate is asked (HEAD) for
 * each blob; a refused or failed HEAD counts as absent.
 */
export async function chooseMountSources(
  candidates: readonly string[],
  missing: readonly string[],
  hasBlob: (repository: string, digest: string) => Promise<boolean>,
  options: { probeLimit?: number; sourceLimit?: number; concurrency?: number } = {},
): Promise<{ repository: string; blobs: number }[]> {
  if (missing.length === 0) return [];
  const probed = candidates.slice(0, options.probeLimit ?? 10);
  const pairs = probed.flatMap((repository) => missing.map((digest) => ({ repository, digest })));
  const held = await mapConcurrent(pairs, options.concurrency ?? 8, ({ repository, digest }) =>
    hasBlob(repository, digest).catch(() => false),
  );
  const counts = new Map<string, number>();
  pairs.forEach(({ repository }, i) => {
    if (held[i]) counts.set(repository, (counts.get(repository) ?? 0) + 1);
  });
  return probed
    .filter((r) => counts.has(r))
    .map((repository) => ({ repository, blobs: counts.get(repository) ?? 0 }))
    .sort((a, b) => b.blobs - a.blobs)
    .slice(0, options.sourceLimit ?? 3);
}
