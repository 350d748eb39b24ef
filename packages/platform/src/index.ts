export type { CheckResult } from './check-result.ts';
export { isRootUser, secretLookingEnv } from './checks/metadata-check.ts';
export { DockerCli, type ImageInspect, type ImageStore } from './docker-cli.ts';
export { evaluateJsonPath } from './json-path.ts';
export { junitXml } from './junit.ts';
export { type ImageSource, loadImage } from './load-image.ts';
export {
  LABEL,
  maskSecrets,
  type PlatformTestOptions,
  type PlatformTestResult,
  runPlatformTest,
} from './run-platform-test.ts';
export { loadSpec, parseSpec, SpecError } from './spec.ts';
export { type Check, type CheckKind, kindOf, type Spec } from './spec-schema.ts';
