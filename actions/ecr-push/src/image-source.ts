// The image to push, verified before any network call: the layout (or the layout unpacked from
// its archive) must hold exactly the manifest `digest` names, and every blob must hash to its name.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Digest, type LoadedImage, unpackLayout, verifyLayout } from '@bakeline/oci';
import { formatBytes, InputError, type Logger } from '@bakeline/toolkit';

export interface ImageSource {
  layout: string | undefined;
  archive: string | undefined;
  digest: Digest;
}

export interface VerifiedImage {
  image: LoadedImage;
  /** Removes the unpacked archive, if any. */
  cleanup: () => void;
}

export interface ScratchOptions {
  /** Told of each scratch directory as soon as it exists (removed on a hard cancel). */
  track?: (dir: string) => void;
  /** Checked between phases: a cancelled run stops before verifying or pushing. */
  signal?: AbortSignal;
}

export async function verifiedImage(
  source: ImageSource,
  workDir: string,
  logger: Logger,
  options: ScratchOptions = {},
): Promise<VerifiedImage> {
  let scratch: string | undefined;
  const cleanup = () => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  };
  try {
    let layout = source.layout ?? '';
    if (source.archive) {
      scratch = mkdtempSync(join(workDir, 'ecr-push-'));
      options.track?.(scratch);
      layout = join(scratch, 'layout');
      const archive = source.archive;
      await unpackLayout(archive, layout).catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        throw new InputError(
          'archive',
          `got ${JSON.stringify(archive)}; expected a tar of an OCI layout (docker-bake's archive-path): ${reason}`,
          { cause: error },
        );
      });
    }
    options.signal?.throwIfAborted();
    const image = await verifyLayout(layout, source.digest);
    options.signal?.throwIfAborted();
    const size = [image.manifest.config, ...image.manifest.layers].reduce((sum, d) => sum + d.size, 0);
    logger.info(
      `verified ${source.digest}: the manifest and its ${image.manifest.layers.length + 1} blobs (${formatBytes(size)}) match their digests`,
    );
    return { image, cleanup };
  } catch (error: unknown) {
    cleanup();
    throw error;
  }
}
