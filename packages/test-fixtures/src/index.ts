// @bakeline/test-fixtures: the test setup that several packages' and actions' tests share.
export { EXAMPLE_BUILDER, examplePassedTest, exampleProvenance } from './attestation-examples.ts';
export { type BusyboxImage, buildBusyboxImage } from './busybox-image.ts';
export { CHECKOUT_COMMIT_DATE, type CleanCheckouts, cleanCheckouts, mavenPackageEach } from './clean-checkouts.ts';
export { shellBaseImage, tinyBaseImage } from './docker-fixtures.ts';
export {
  busyboxPusher,
  createEcrRepository,
  type PushableRepository,
  pushableRepository,
  pushConfigOnlyImage,
  pushRolePassword,
  pushRoleRepository,
} from './ecr-images.ts';
export { type BakedImage, bakeExampleImages } from './example-images.ts';
export { expectSuccess, failureOf } from './harness-results.ts';
export { makeFatJar, makePlainJar } from './jar-fixtures.ts';
export { layerPaths, tinyBaseLayout } from './layout-fixtures.ts';
export { promotionRun } from './promotion-run.ts';
export { type TempWorkspace, tempWorkspace } from './temp-workspace.ts';
export { kubeOf, startTestCloud } from './test-cloud.ts';
export { testDeploymentYaml } from './test-deployment.ts';
