// The integration files that may run two at a time, beside each other, before the serial lane.
// Each one was read for isolation: it starts its own registry / local cloud on free ports (no
// kubelet: kube off or node: false), writes only under its own temp directories, and touches
// no Docker engine state (no images, containers or networks), so two of them cannot meet.
// It has no timing assertion that a second file's load could break (no scan-delay races, no
// "the log stopped growing" waits, no fault injection). Everything else, fault suites,
// cancellation and benchmarks included, stays in the serial `integration` project.
// A file added here must meet the same bar; a file that needs Docker or a kubelet does not.
export const PARALLEL_INTEGRATION_FILES: readonly string[] = [
  'packages/attest/src/referrers.int.test.ts',
  'packages/aws/src/credential-chain.int.test.ts',
  'packages/kube/src/server-side-apply.int.test.ts',
  'packages/local-cloud/src/cloud/eks-get-token.int.test.ts',
  'packages/local-cloud/src/cloud/negative-cases.int.test.ts',
  'packages/local-cloud/src/distribution.int.test.ts',
  'packages/local-cloud/src/kube/api/apply/server-side-apply.int.test.ts',
  'packages/local-cloud/src/kube/api/protobuf/kubectl-protobuf.int.test.ts',
  'packages/local-cloud/src/maven-dist/pack-distribution.int.test.ts',
  'packages/oci/src/registry/pull-image.int.test.ts',
  'packages/sbom/src/dpkg-status.int.test.ts',
  // Terraform against a local cloud whose cluster has no node (node: false)
  'packages/local-cloud/src/cloud/terraform-cycle.int.test.ts',
  'test/infra/terraform-setup.int.test.ts',
  'test/infra/terraform-snapshot.int.test.ts',
  'test/infra/promote-wrong-trust.int.test.ts',
  'packages/local-cloud/src/cloud/pipeline-snapshot/snapshot-cloud.int.test.ts',
  'packages/local-cloud/src/ecr/lifecycle-referrers.int.test.ts',
  'packages/bake/src/user-base-image/resolve-base-image.int.test.ts',
  // Maven offline from the shared local repository, which these only read; each writes its own
  // workspace, output and (when it has one) repository under its temp directory
  'actions/maven-build/src/acceptance.int.test.ts',
  'actions/maven-build/src/maven-install.int.test.ts',
  'packages/maven/src/maven-build.int.test.ts',
  // the local workflow runner and a git server of its own; pnpm only links from the store
  'test/workflows/release-workflow.int.test.ts',
];
