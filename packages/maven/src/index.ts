export { ActionsCache } from './actions-cache.ts';
export { splitArguments } from './arguments.ts';
export { type Artifact, type ArtifactSelector, isMainJar, locateArtifact, sha256File } from './artifact.ts';
export { type CacheBackend, selectCacheBackend } from './cache-backend.ts';
export { type CacheKeys, findPomFiles, mavenCacheKeys } from './cache-key.ts';
export { type CompilerError, parseCompilerErrors } from './compiler-errors.ts';
export { failureLocation, parseFrames, type SourceLocation } from './failure-location.ts';
export { FilesystemCache } from './filesystem-cache.ts';
export { globToRegExp } from './glob.ts';
export {
  type CacheOutcome,
  type LocatedFailure,
  type MavenBuildOptions,
  type MavenBuildResult,
  runMavenBuild,
} from './maven-build.ts';
export {
  displayCommand,
  isoFromEpoch,
  localRepositoryOf,
  type MavenCommand,
  type MavenCommandOptions,
  mavenCommand,
} from './maven-command.ts';
export {
  inheritedProperty,
  moduleDirs,
  type ParentReference,
  type Pom,
  projectSetsOutputTimestamp,
  readPom,
  resolveParent,
} from './pom.ts';
export { type Coordinates, parseProperties, readPomProperties } from './pom-properties.ts';
export {
  parseReport,
  type ReadReportsOptions,
  readReports,
  type TestCounts,
  type TestFailure,
  type TestReport,
} from './reports.ts';
