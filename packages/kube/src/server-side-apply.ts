// Server-side apply of one object (PATCH `application/apply-patch+yaml`), as
// `kubectl apply --server-side` sends it, over KubeClient.
//
// API
//   serverSideApply<T extends ApplyObject>(client, object, options): Promise<T>
//     options: { fieldManager: string; force: boolean; dryRun?: boolean; namespace?: string;
//                signal?: AbortSignal }
//     Sends `object` as the field manager's whole intent for the object: the server merges it,
//     creates the object when it does not exist, removes the fields this manager applied before
//     and no longer applies (unless another manager owns them), and records the manager in
//     metadata.managedFields. Returns the object the server answers (the stored object, or with
//     `dryRun` the object as it would be stored, nothing written: query `dryRun=All`).
//     A field another manager owns and this apply would change is a conflict: without `force`
//     the server answers 409 and this throws KubeApiError (status 409, reason "Conflict"; the
//     message names each manager and field); with `force` the manager takes those fields.
//     `namespace` is used when the object has none (namespaced kinds). Inputs are checked
//     before any request: fieldManager 1..128 printable characters; apiVersion, kind and
//     metadata.name set; a kind of KIND_RESOURCES at its apiVersion; no metadata.managedFields
//     (the server refuses them in an apply); object and option namespaces agree.
//
//   omitAutoscaledReplicas<T extends ApplyObject>(client, object, options?): Promise<{
//       object: T; autoscaler: string | undefined }>
//     When a HorizontalPodAutoscaler (autoscaling/v2) of the object's namespace targets it
//     (scaleTargetRef kind, name, and API group when given), returns a copy without
//     spec.replicas and the autoscaler's name, so that applying it leaves replicas to the
//     autoscaler (which sets them through the scale subresource and owns f:spec.f:replicas).
//     An object without spec.replicas is returned as is without a request. A cluster that does
//     not serve autoscaling/v2 (404) has no autoscaler; any other error is thrown, named.
//
//   APPLY_PATCH_CONTENT_TYPE: `application/apply-patch+yaml` (JSON is YAML, so the body is JSON).
import type { KubeClient } from './client.ts';
import { KubeApiError } from './errors.ts';
import { apiVersionOf, groupOf, KIND_RESOURCES, type KindResource, resourcePath } from './resource-path.ts';

export const APPLY_PATCH_CONTENT_TYPE = 'application/apply-patch+yaml';

export interface ApplyObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface ServerSideApplyOptions {
  /** The field manager the applied fields are recorded under (e.g. `bakeline`). */
  fieldManager: string;
  /** Take fields other managers own instead of failing with a conflict. */
  force: boolean;
  /** Ask the server to check and answer without storing (`dryRun=All`). */
  dryRun?: boolean;
  /** Namespace for an object that names none. */
  namespace?: string;
  signal?: AbortSignal;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]+$/u;

export function checkFieldManager(fieldManager: string): void {
  if (fieldManager.length === 0 || fieldManager.length > 128 || !PRINTABLE.test(fieldManager)) {
    throw new Error(
      `server-side apply: "fieldManager" is ${JSON.stringify(fieldManager)}; expected 1 to 128 printable characters`,
    );
  }
}

function describe(object: Partial<ApplyObject>): string {
  return `${String(object.apiVersion)}/${String(object.kind)} ${JSON.stringify(object.metadata?.name ?? '')}`;
}

function resourceFor(object: ApplyObject): KindResource {
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
    throw new Error(`server-side apply: the object needs apiVersion and kind; got ${describe(object)}`);
  }
  if (typeof object.metadata?.name !== 'string' || object.metadata.name === '') {
    throw new Error(`server-side apply: ${describe(object)} needs metadata.name`);
  }
  const resource = KIND_RESOURCES[object.kind];
  if (!resource || apiVersionOf(resource) !== object.apiVersion) {
    const supported = Object.entries(KIND_RESOURCES).map(([kind, r]) => `${apiVersionOf(r)}/${kind}`);
    throw new Error(
      `server-side apply: ${describe(object)} is not a supported kind; supported: ${supported.join(', ')}`,
    );
  }
  return resource;
}

function namespaceFor(object: ApplyObject, resource: KindResource, fallback: string | undefined): string | undefined {
  if (!resource.namespaced) return undefined;
  const own = object.metadata.namespace;
  if (own !== undefined && fallback !== undefined && own !== fallback) {
    throw new Error(
      `server-side apply: ${describe(object)} is in namespace "${own}", but the apply was asked for namespace "${fallback}"`,
    );
  }
  const namespace = own ?? fallback;
  if (!namespace) throw new Error(`server-side apply: ${describe(object)} needs metadata.namespace`);
  return namespace;
}

export async function serverSideApply<T extends ApplyObject>(
  client: KubeClient,
  object: T,
  options: ServerSideApplyOptions,
): Promise<T> {
  checkFieldManager(options.fieldManager);
  const resource = resourceFor(object);
  const namespace = namespaceFor(object, resource, options.namespace);
  if (object.metadata.managedFields !== undefined) {
    throw new Error(
      `server-side apply: ${describe(object)} carries metadata.managedFields; remove them (an apply may not set them)`,
    );
  }
  const body = namespace === undefined ? object : { ...object, metadata: { ...object.metadata, namespace } };
  return client.request<T>('PATCH', resourcePath(resource, namespace, object.metadata.name), {
    body,
    contentType: APPLY_PATCH_CONTENT_TYPE,
    query: {
      fieldManager: options.fieldManager,
      force: options.force,
      ...(options.dryRun ? { dryRun: 'All' } : {}),
    },
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

interface HorizontalPodAutoscalerList {
  items?: {
    metadata?: { name?: string };
    spec?: { scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string } };
  }[];
}

export async function omitAutoscaledReplicas<T extends ApplyObject>(
  client: KubeClient,
  object: T,
  options: { namespace?: string; signal?: AbortSignal } = {},
): Promise<{ object: T; autoscaler: string | undefined }> {
  const spec = object.spec as { replicas?: unknown } | undefined;
  if (spec?.replicas === undefined) return { object, autoscaler: undefined };
  const resource = resourceFor(object);
  const namespace = namespaceFor(object, resource, options.namespace);
  const hpas = KIND_RESOURCES.HorizontalPodAutoscaler as KindResource;
  let list: HorizontalPodAutoscalerList;
  try {
    list = await client.request<HorizontalPodAutoscalerList>(
      'GET',
      resourcePath(hpas, namespace),
      options.signal ? { signal: options.signal } : {},
    );
  } catch (error: unknown) {
    if (error instanceof KubeApiError && error.status === 404) return { object, autoscaler: undefined };
    throw new Error(
      `looking for a HorizontalPodAutoscaler of ${describe(object)} in namespace "${namespace}": ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const match = (list.items ?? []).find((hpa) => {
    const ref = hpa.spec?.scaleTargetRef;
    return (
      ref?.kind === object.kind &&
      ref.name === object.metadata.name &&
      (ref.apiVersion === undefined || groupOf(ref.apiVersion) === groupOf(object.apiVersion))
    );
  });
  if (!match) return { object, autoscaler: undefined };
  const copy = structuredClone(object);
  delete (copy.spec as { replicas?: unknown }).replicas;
  return { object: copy, autoscaler: match.metadata?.name ?? '' };
}
