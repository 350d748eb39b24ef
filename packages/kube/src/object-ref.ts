// Which object a write touches: kind, namespace and name, and its API paths. The kinds a
// promotion may apply are the ones listed here; everything else is refused before any call.

export interface KindInfo {
  group: string;
  version: string;
  plural: string;
}

/** The kinds a promotion applies (apiVersion is fixed per kind). */
export const MANIFEST_KINDS: Readonly<Record<string, KindInfo>> = {
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments' },
  Service: { group: '', version: 'v1', plural: 'services' },
  ConfigMap: { group: '', version: 'v1', plural: 'configmaps' },
  Secret: { group: '', version: 'v1', plural: 'secrets' },
  Role: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles' },
  RoleBinding: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'rolebindings' },
};

export function apiVersionOf(info: KindInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** `apps/v1/Deployment, v1/Service, …` for error messages. */
export function supportedKinds(): string {
  return Object.entries(MANIFEST_KINDS)
    .map(([kind, info]) => `${apiVersionOf(info)}/${kind}`)
    .join(', ');
}

export interface ObjectRef {
  kind: string;
  namespace: string;
  name: string;
  /** `/apis/apps/v1/namespaces/dev/deployments` */
  collection: string;
  /** `/apis/apps/v1/namespaces/dev/deployments/svc` */
  path: string;
}

export function objectRef(kind: string, namespace: string, name: string): ObjectRef {
  const info = MANIFEST_KINDS[kind];
  if (!info) throw new Error(`kind ${kind} is not supported; supported kinds: ${supportedKinds()}`);
  const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  const collection = `${base}/namespaces/${encodeURIComponent(namespace)}/${info.plural}`;
  return { kind, namespace, name, collection, path: `${collection}/${encodeURIComponent(name)}` };
}

/** `Deployment/svc` */
export function refName(ref: Pick<ObjectRef, 'kind' | 'name'>): string {
  return `${ref.kind}/${ref.name}`;
}

export function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;
}
