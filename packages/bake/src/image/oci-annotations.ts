// The `org.opencontainers.image.*` annotations (also written as labels) from the build's context.
// `created` is SOURCE_DATE_EPOCH, never the clock, so the same commit gives the same digest.
import { releaseVersion, shaTag } from './release-tags.ts';

export interface SourceContext {
  /** GITHUB_SHA */
  sha: string;
  /** GITHUB_REF */
  ref?: string;
  /** GITHUB_SERVER_URL + '/' + GITHUB_REPOSITORY, when known. */
  sourceUrl?: string;
}

export function epochToIso(sourceDateEpoch: number): string {
  return new Date(sourceDateEpoch * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/** Repository name without registry host: its last path component is the title. */
export function imageTitle(imageName: string): string {
  return imageName.split('/').pop() ?? imageName;
}

export function ociAnnotations(
  context: SourceContext,
  options: { imageName: string; sourceDateEpoch: number },
): Record<string, string> {
  return {
    'org.opencontainers.image.created': epochToIso(options.sourceDateEpoch),
    'org.opencontainers.image.revision': context.sha,
    ...(context.sourceUrl ? { 'org.opencontainers.image.source': context.sourceUrl } : {}),
    'org.opencontainers.image.title': imageTitle(options.imageName),
    'org.opencontainers.image.version': releaseVersion(context.ref) ?? shaTag(context.sha),
  };
}
