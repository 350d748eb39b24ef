export { ActionsCache } from './actions-cache.ts';
export { splitArguments } from './arguments.ts';
export {
  type Artifact,
  type ArtifactSelector,
  isMainJar,
  locateArtifact,
  moduleDirsMatching,
  sha256File,
} from './artifact.ts';
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
  type MavenSetupOptions,
  runMavenBuild,
} from './maven-build.ts';
export {
  displayCommand,
  isoFromEpoch,
  localRepositoryOf,
  type MavenCommand,
  type MavenCommandOptions,
  mavenCommand,
  usesWrapper,
} from './maven-command.ts';
export {
  DEFAULT_MAVEN_MIRROR,
  DEFAULT_MAVEN_VERSION,
  MAVEN_VERSION,
  type MavenDistribution,
  mavenDistribution,
  parseMavenVersionOutput,
  parseSha512File,
  SHA512_HEX,
} from './maven-distribution.ts';
export { ChecksumMismatchError, type InstalledMaven, installMaven, type MavenInstallOptions } from './maven-install.ts';
export { findOnPath, type ResolvedMaven, type ResolveMavenOptions, resolveMaven } from './maven-resolve.ts';
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
export { execProcessGroup, KILL_GRACE_MS } from './process-group.ts';
export {
  findModule,
  type ModuleStatus,
  missingArtifactReason,
  parseReactorSummary,
  type ReactorModule,
} from './reactor-summary.ts';
export {
  parseReport,
  type ReadReportsOptions,
  readReports,
  type TestCounts,
  type TestFailure,
  type TestReport,
} from './reports.ts';
export {
  credentialEnv,
  PASSWORD_VARIABLE,
  SERVER_ID,
  type ServerCredentials,
  type SettingsPlacement,
  serverSettingsXml,
  settingsPlacement,
  USERNAME_VARIABLE,
  writeServerSettings,
} from './server-settings.ts';
export { actionsToolCache, type ToolCache } from './tool-cache.ts';
