export { type ClusterConnection, KubeClient, PatchType } from './client.ts';
export { collectDiagnostics, type Diagnostics } from './diagnostics.ts';
export { apiError, KubeApiError } from './errors.ts';
export { canonicalRepository, digestOfImageId, type PinnedImage, pinnedImage, repositoryOf } from './image-ref.ts';
export { readKubeconfig } from './kubeconfig.ts';
export { type FieldsV1, mergeFieldsV1, type UpgradeOptions, upgradeManagedFields } from './managed-fields-upgrade.ts';
export { type AppliedManifest, applyManifest, type Manifest, pinImages, readManifests } from './manifests.ts';
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
export { previousReplicaSet, rollbackDeployment, undoPatch } from './rollback.ts';
export { type RolloutState, rolloutState } from './rollout-status.ts';
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
export type * from './types.ts';
export { type PodImage, podImages, verifyPodsRunDigest } from './verify-pods.ts';
export { RolloutFailedError, type RolloutFailure, waitForRollout } from './wait-rollout.ts';
export { watchResumable } from './watch.ts';
