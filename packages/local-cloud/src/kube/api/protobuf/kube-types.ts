// The protobuf message types of the kinds the local API serves, loaded from kube-types.json (cut
// from Kubernetes' generated.proto files by scripts/kube-protobuf-types.ts; the commits it was
// made from are in its `source`).
import protobuf from 'protobufjs';
import descriptor from './kube-types.json' with { type: 'json' };

const root = protobuf.Root.fromJSON({ nested: descriptor.nested as protobuf.INamespace['nested'] & object });

/** The protobuf package of an API group: `''` -> k8s.io.api.core, `apps` -> k8s.io.api.apps, ... */
const PACKAGES: Readonly<Record<string, string>> = {
  '': 'k8s.io.api.core',
  apps: 'k8s.io.api.apps',
  'rbac.authorization.k8s.io': 'k8s.io.api.rbac',
  'authorization.k8s.io': 'k8s.io.api.authorization',
  'authentication.k8s.io': 'k8s.io.api.authentication',
  autoscaling: 'k8s.io.api.autoscaling',
};

export const UNKNOWN_TYPE = root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');

/** The message type of `apiVersion`/`kind`, or undefined when none is known. */
export function messageTypeOf(apiVersion: string, kind: string): protobuf.Type | undefined {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const pkg = PACKAGES[group];
  if (pkg === undefined || !/^v\d+((alpha|beta)\d+)?$/.test(version) || !/^[A-Z]\w*$/.test(kind)) return undefined;
  const found = root.lookup(`${pkg}.${version}.${kind}`);
  // A kind is a top-level object (it has ObjectMeta); PodSpec and the like are not kinds.
  const isKind = found instanceof protobuf.Type && found.fields.metadata?.type.endsWith('.meta.v1.ObjectMeta');
  return isKind ? found : undefined;
}
