// The image to push, verified before any network call: the layout (or the layout unpacked from
// its archive) must hold exactly the manifest `digest` names, and every blob must hash to its name.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Digest, type LoadedImage, unpackLayout, verifyLayout } from '@bakeline/oci';
import { formatBytes, type Logger } from '@bakeline/toolkit';

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

export async function verifiedImage(source: ImageSource, workDir: string, logger: Logger): Promise<VerifiedImage> {
  let scratch: string | undefined;
  const cleanup = () => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  };
  try {
    let layout = source.layout ?? '';
    if (source.archive) {
      scratch = mkdtempSync(join(workDir, 'ecr-push-'));
      layout = join(scratch, 'layout');
      await unpackLayout(source.archive, layout);
    }
    const image = await verifyLayout(layout, source.digest);
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
