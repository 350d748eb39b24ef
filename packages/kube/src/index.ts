export { type ClusterConnection, KubeClient, PatchType } from './client.ts';
export { collectDiagnostics, type Diagnostics } from './diagnostics.ts';
export { DryRunRefusedError, dryRunDocuments } from './dry-run.ts';
export { apiError, KubeApiError } from './errors.ts';
export { canonicalRepository, digestOfImageId, type PinnedImage, pinnedImage, repositoryOf } from './image-ref.ts';
export { readKubeconfig } from './kubeconfig.ts';
export { type FieldsV1, mergeFieldsV1, type UpgradeOptions, upgradeManagedFields } from './managed-fields-upgrade.ts';
export {
  type AppliedManifest,
  applyManifest,
  describeDocument,
  type KubeObject,
  type Manifest,
  type ManifestDocument,
  pinImages,
  readManifests,
} from './manifests.ts';
export { MANIFEST_KINDS, type ObjectRef, objectRef, supportedKinds } from './object-ref.ts';
export { describePod, isPodReady, STUCK_REASONS, type StuckContainer, stuckContainers } from './pod-health.ts';
export {
  digestRunningIn,
  type PromoteOptions,
  type PromoteResult,
  PromotionFailedError,
  promote,
  resolveWorkloads,
  type WorkloadResult,
  type WorkloadSelector,
} from './promote.ts';
export { apiVersionOf, groupOf, KIND_RESOURCES, type KindResource, resourcePath } from './resource-path.ts';
export { getDeployment, listPods, ownedReplicaSets, revisionOf, selectorString } from './resources.ts';
export { describeRestore, type RestoreReport, restoreObjects, type WrittenObject } from './restore.ts';
export { changedSince, contentOf, decideRestore, type RestoreDecision } from './restore-decision.ts';
export { type RolloutState, rolloutState } from './rollout-status.ts';
export { judgeRollout, type RolloutObservation, type RolloutVerdict } from './rollout-verdict.ts';
export { digestRunning } from './running-digest.ts';
export {
  APPLY_PATCH_CONTENT_TYPE,
  type ApplyObject,
  checkFieldManager,
  omitAutoscaledReplicas,
  type ServerSideApplyOptions,
  serverSideApply,
} from './server-side-apply.ts';
export {
  ANNOTATION_CHANGE_CAUSE,
  ANNOTATION_DIGEST,
  type ContainerChange,
  selectContainers,
  setImageByDigest,
} from './set-image.ts';
export { readObject, type Snapshot, takeSnapshots } from './snapshot.ts';
export type * from './types.ts';
export { documentProblems, ManifestRefusedError, validateDocuments } from './validate-documents.ts';
export { type PodImage, podImages, verifyPodsRunDigest } from './verify-pods.ts';
export { RolloutFailedError, type RolloutFailure, waitForRollout } from './wait-rollout.ts';
export { watchResumable } from './watch.ts';
