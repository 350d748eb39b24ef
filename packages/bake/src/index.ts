export { type BakeOutcome, type BakeRequest, bake, type DockerfileBakeRequest, type JarBakeRequest } from './bake.ts';
export type { BakeResult, LayerReport } from './bake-result.ts';
export { dockerConfigCredentials, dockerConfigPath } from './base/docker-config-credentials.ts';
export {
  type BaseImageSource,
  parseBaseImageSource,
  type ResolvedBaseImage,
  resolveBaseImage,
} from './base/resolve-base-image.ts';
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
export {
  buildDockerfileImage,
  type DockerfileBakeResult,
  type DockerfileBuildOptions,
  type EngineInfo,
} from './dockerfile/build-dockerfile-image.ts';
export { finalStageBase } from './dockerfile/dockerfile-base.ts';
export { type ImageName, parseImageName } from './image/image-name.ts';
export { epochToIso, imageTitle, ociAnnotations, type SourceContext } from './image/oci-annotations.ts';
export { checkUserTag, imageTags, releaseVersion, shaTag } from './image/release-tags.ts';
export { checkEnvName, checkUser, looksSecret, normalizePort, parseEntrypoint } from './image/runtime-settings.ts';
export { commitTime } from './image/source-date-epoch.ts';
export { buildJarImage, type JarBuildOptions } from './jar/build-jar-image.ts';
export { DEFAULT_USER, defaultEntrypoint, type JarImageSettings } from './jar/jar-image-config.ts';
export { createStaging, publishRun, runDirName, STAGING_PREFIX } from './output/run-output.ts';
