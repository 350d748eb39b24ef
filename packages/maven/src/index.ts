export { splitArguments } from './arguments.ts';
export { selectCacheBackend } from './cache-backend.ts';
export { type LocatedFailure, type MavenBuildResult, runMavenBuild } from './maven-build.ts';
export { displayCommand } from './maven-command.ts';
export { DEFAULT_MAVEN_MIRROR, MAVEN_VERSION, SHA512_HEX } from './maven-distribution.ts';
export { readPom } from './pom.ts';
export { SERVER_ID, type ServerCredentials } from './server-settings.ts';
export { actionsToolCache } from './tool-cache.ts';
