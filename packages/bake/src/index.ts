export {
  type AptSource,
  findDebianMirror,
  parseDeb822Sources,
  parseOneLineSources,
  readAptSources,
} from './base-image/apt-sources.ts';
export {
  BASE_IMAGE_CODE_VERSION,
  BASE_IMAGE_NAME,
  type BaseImageInputs,
  baseImageKey,
} from './base-image/base-image-key.ts';
export {
  type BaseImage,
  DEFAULT_BASE_IMAGE_CACHE,
  type EnsureBaseImageOptions,
  ensureBaseImage,
} from './base-image/ensure-base-image.ts';
export { type LoadedIntoDocker, loadLayoutIntoDocker } from './base-image/load-into-docker.ts';
