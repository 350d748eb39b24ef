export { KubeClient } from './client.ts';
export type { Diagnostics } from './diagnostics.ts';
export { KubeApiError } from './errors.ts';
export { pinnedImage } from './image-ref.ts';
export { readKubeconfig } from './kubeconfig.ts';
export { digestRunningIn, type PromoteResult, PromotionFailedError, promote } from './promote.ts';
export type { Deployment, Pod, ReplicaSet } from './types.ts';
export { watchResumable } from './watch.ts';
