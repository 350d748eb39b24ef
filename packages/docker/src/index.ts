export {
  buildxArchiveArgv,
  buildxLoadArgv,
  classicBuildArgv,
  type DockerBuildSpec,
  saveArgv,
} from './build-argv.ts';
export { type BuilderInfo, type BuilderNode, parseBuilderInspect } from './builder-inspect.ts';
export { parseBuildxVersion } from './buildx-version.ts';
export { type BuildOptions, Docker, type DockerOptions } from './docker.ts';
export {
  CONTAINERD_SNAPSHOTTER,
  type DockerInfo,
  type ImageStore,
  imageStoreOf,
  parseDockerInfo,
} from './docker-info.ts';
export { chooseExport, type EngineCapabilities, type ExportPath, type ExportPlan } from './export-plan.ts';
export { type ImageInspect, parseImageInspect } from './image-inspect.ts';
export { LineSplitter } from './line-splitter.ts';
