// Where an object of a kind lives in the API: group, version, plural and scope, for the kinds
// eks-promote writes or reads, and the REST path of one object.

export interface KindResource {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

export const KIND_RESOURCES: Readonly<Record<string, KindResource>> = {
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true },
  Service: { group: '', version: 'v1', plural: 'services', namespaced: true },
  ConfigMap: { group: '', version: 'v1', plural: 'configmaps', namespaced: true },
  Secret: { group: '', version: 'v1', plural: 'secrets', namespaced: true },
  Role: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles', namespaced: true },
  RoleBinding: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'rolebindings', namespaced: true },
  HorizontalPodAutoscaler: {
    group: 'autoscaling',
    version: 'v2',
    plural: 'horizontalpodautoscalers',
    namespaced: true,
  },
};

export function apiVersionOf(resource: KindResource): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

/** The group of an apiVersion: `apps/v1` -> `apps`, `v1` -> ``. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** `/apis/apps/v1/namespaces/dev/deployments` (and `/<name>` when a name is given). */
export function resourcePath(resource: KindResource, namespace: string | undefined, name?: string): string {
  const base = resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  const scope = resource.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? '')}` : '';
  return `${base}${scope}/${resource.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}
