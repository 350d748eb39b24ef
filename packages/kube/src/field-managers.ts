// Who a promotion's server-side applies write as, and whether they force conflicts.

/** The field manager of the manifests a promotion applies: their whole intent. */
export const MANIFEST_FIELD_MANAGER = 'bakeline';

/**
 * The field manager of an image-only promotion: the container image and the promotion's record
 * (change cause and digest annotations), nothing else, so applying only the image never removes
 * what the manifests set.
 */
export const IMAGE_FIELD_MANAGER = 'bakeline-image';

/**
 * Server-side applies force conflicts, as Flux's kustomize-controller and Argo CD (with
 * ServerSideApply) do: the promotion is the source of truth for the fields it applies, and a
 * field someone set by hand (`kubectl edit`, `kubectl set image`, `kubectl scale`) must not block
 * a release; the release takes it back, and the server records the new owner. Fields it does not
 * apply keep their managers, and `replicas` is never applied where an autoscaler owns it.
 */
export const FORCE_CONFLICTS = true;

/**
 * The manager of what earlier versions of eks-promote wrote (POST and patches, named from its
 * User-Agent): its fields move to MANIFEST_FIELD_MANAGER before the first apply (as kubectl's
 * csaupgrade does), so a field dropped from a manifest is removed, not kept as co-owned.
 */
export const LEGACY_FIELD_MANAGERS: readonly string[] = ['bakeline-eks-promote'];
