export type { CheckResult, ResultKind } from './check-result.ts';
export { runCommandCheck } from './checks/command-check.ts';
export { type FileStat, parseStat, runFileCheck } from './checks/file-check.ts';
export { runHttpCheck } from './checks/http-check.ts';
export { isRootUser, runMetadataCheck, secretLookingEnv } from './checks/metadata-check.ts';
export {
  type ContainerSpec,
  type ContainerState,
  DockerCli,
  execArgv,
  type ImageInspect,
  type ImageStore,
  parseHostPort,
  runArgv,
} from './docker-cli.ts';
export { envFileText, parseEnvFile } from './env-file.ts';
export { evaluateJsonPath, parseJsonPath } from './json-path.ts';
export { type JunitOptions, junitXml } from './junit.ts';
export { expectedImageId, ImageMismatchError, type ImageSource, type LoadedImage, loadImage } from './load-image.ts';
export { maskSecrets, safeText } from './log-safety.ts';
export { NotReadyError, waitUntilReady } from './readiness.ts';
export {
  type PlatformTarget,
  type PlatformTestOptions,
  type PlatformTestResult,
  runPlatformTest,
} from './run-platform-test.ts';
export { loadSpec, parseSpec, SpecError, type SpecProblem } from './spec.ts';
export type {
  Check,
  CheckKind,
  CommandCheck,
  FileCheck,
  HttpCheck,
  MetadataCheck,
  Readiness,
  Service,
  Spec,
} from './spec-schema.ts';
export { checkRunId, LABEL, type Resources, TargetEnvironment } from './target-environment.ts';
