export { DockerCli } from './docker-cli.ts';
export { parseEnvFile } from './env-file.ts';
export {
  type PlatformTarget,
  type PlatformTestOptions,
  type PlatformTestResult,
  runPlatformTest,
} from './run-platform-test.ts';
export { loadSpec, SpecError } from './spec.ts';
export type { Spec } from './spec-schema.ts';
export { LABEL, type Resources } from './target-environment.ts';
