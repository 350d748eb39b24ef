export { splitArguments } from './arguments.ts';
export {
  type Artifact,
  type Coordinates,
  globToRegExp,
  locateArtifact,
  readPomProperties,
  sha256File,
} from './artifact.ts';
export { ActionsCache, type CacheBackend, FilesystemCache } from './cache.ts';
export { type CacheKeys, mavenCacheKeys } from './cache-key.ts';
export { type LocatedFailure, type MavenBuildOptions, type MavenBuildResult, runMavenBuild } from './maven-build.ts';
export { isoFromEpoch, type MavenCommand, type MavenCommandOptions, mavenCommand } from './maven-command.ts';
export { moduleDirs, type PomSummary, projectSetsOutputTimestamp, readPom } from './pom.ts';
export { parseReport, readReports, type TestCounts, type TestFailure, type TestReport } from './reports.ts';
export { type CompilerError, failureLocation, parseCompilerErrors, type SourceLocation } from './source-location.ts';
