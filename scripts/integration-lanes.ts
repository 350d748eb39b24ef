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
];
