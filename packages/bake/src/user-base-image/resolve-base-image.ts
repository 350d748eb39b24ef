// The base image of a jar build, as a local OCI layout: either a layout path given directly, or a
// registry reference pulled through the registry client (a tag is resolved to its digest and the
// digest reported, so the build records exactly what it stood on). Pulled images are kept in a
// cache directory by digest and reused.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Digest,
  formatReference,
  type ImageReference,
  type LoadedImage,
  parseReference,
  pullImage,
  RegistryClient,
  type RegistryClientOptions,
  type RegistryCredentials,
  readLayoutImage,
  verifyLayout,
} from '@bakeline/oci';
import type { Logger } from '@bakeline/toolkit';

/** In a pull cache entry taken from an index: the index digest it was pulled as. */
const PULLED_FROM = 'bakeline-pulled-from';

export type BaseImageSource =
  | { kind: 'layout'; dir: string; digest?: Digest }
  | { kind: 'registry'; reference: ImageReference };

export interface ResolvedBaseImage {
  image: LoadedImage;
  /** For people: the pinned reference, or `oci:<layout path>`. */
  name: string;
  /** The pinned registry reference (`org.opencontainers.image.base.name`); none for a layout, whose path is no name and would make the digest depend on the directory. */
  reference?: string;
  /** False when a tag was resolved to the digest by this build. */
  pinned: boolean;
}

export interface ResolveBaseOptions {
  logger: Logger;
  /** Where pulled images are kept, one layout per manifest digest. */
  pullCacheDir: string;
  credentials?: (registry: string) => Promise<RegistryCredentials | undefined>;
  /** Builds the client (tests pass a fetch or options). */
  client?: (options: RegistryClientOptions) => RegistryClient;
}

/** `oci:<dir>`, `oci:<dir>@sha256:…`, or a path to a directory with an `oci-layout` file: a layout; anything else: a registry reference. */
export function parseBaseImageSource(value: string, existsDir: (path: string) => boolean): BaseImageSource {
  const explicit = value.startsWith('oci:');
  const text = explicit ? value.slice(4) : value;
  const at = text.lastIndexOf('@sha256:');
  const dir = at >= 0 ? text.slice(0, at) : text;
  if (explicit || existsDir(join(dir, 'oci-layout'))) {
    if (at >= 0) {
      const digest = text.slice(at + 1);
      if (!/^sha256:[0-9a-f]{64}$/.test(digest))
        throw new Error(`got "${value}"; the digest must be sha256: and 64 lowercase hex`);
      return { kind: 'layout', dir, digest: digest as Digest };
    }
    return { kind: 'layout', dir };
  }
  return { kind: 'registry', reference: parseReference(value) };
}

export async function resolveBaseImage(
  source: BaseImageSource,
  options: ResolveBaseOptions,
): Promise<ResolvedBaseImage> {
  if (source.kind === 'layout') {
    if (!existsSync(join(source.dir, 'oci-layout')))
      throw new Error(`base image: ${source.dir} is not an OCI layout (no oci-layout file)`);
    const image = await readLayoutImage(source.dir, source.digest ? { digest: source.digest } : {});
    return { image, name: `oci:${source.dir}`, pinned: true };
  }
  const ref = source.reference;
  const credentials = options.credentials;
  const clientOptions: RegistryClientOptions = {
    registry: ref.registry,
    logger: options.logger,
    ...(credentials ? { credentials: () => credentials(ref.registry) } : {}),
  };
  const client = options.client ? options.client(clientOptions) : new RegistryClient(clientOptions);
  let digest = ref.digest;
  const pinned = digest !== undefined;
  if (digest === undefined) {
    const tag = ref.tag ?? 'latest';
    digest = await client.resolveDigest(ref.repository, tag);
    if (digest === undefined) throw new Error(`base image: ${formatReference(ref)} not found in the registry`);
    options.logger.warning(
      `base image ${formatReference(ref)} resolved to ${digest}; pin it (${ref.registry}/${ref.repository}@${digest}) so builds do not move with the tag`,
    );
  }
  const pinnedRef: ImageReference = { registry: ref.registry, repository: ref.repository, digest };
  // kept by the digest asked for (an index's digest for a multi-platform tag); the layout holds
  // the one image manifest pulled (linux/amd64 from an index)
  const cached = join(options.pullCacheDir, digest.slice('sha256:'.length));
  if (existsSync(join(cached, 'index.json'))) {
    try {
      // bound to the digest it is filed under: the image itself, or the one image taken from
      // that index (recorded at pull time); every blob hashes to its name
      const held = (await readLayoutImage(cached)).digest;
      const fromIndex = existsSync(join(cached, PULLED_FROM))
        ? readFileSync(join(cached, PULLED_FROM), 'utf8').trim()
        : '';
      if (held !== digest && fromIndex !== digest) throw new Error(`holds ${held}, filed under ${digest}`);
      const image = await verifyLayout(cached, held);
      return { image, name: formatReference(pinnedRef), reference: formatReference(pinnedRef), pinned };
    } catch (error: unknown) {
      options.logger.info(
        `pull cache entry ${cached} is not the image ${digest} (${(error as Error).message}); pulling again`,
      );
      rmSync(cached, { recursive: true, force: true });
    }
  }
  mkdirSync(options.pullCacheDir, { recursive: true });
  const temp = `${cached}.tmp-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  try {
    const pulled = await options.logger.group(`pull base image ${formatReference(pinnedRef)}`, () =>
      pullImage(client, pinnedRef, temp),
    );
    if (pulled.digest !== digest) {
      options.logger.info(`base image ${digest} is an index; took its linux/amd64 image ${pulled.digest}`);
      writeFileSync(join(temp, PULLED_FROM), `${digest}\n`);
    }
    rmSync(cached, { recursive: true, force: true });
    renameSync(temp, cached);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  const image = await readLayoutImage(cached);
  return { image, name: formatReference(pinnedRef), reference: formatReference(pinnedRef), pinned };
}
