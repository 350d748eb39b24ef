// A container's environment from its pod spec: plain values, envFrom (ConfigMaps, Secrets), and
// valueFrom (configMapKeyRef, secretKeyRef, fieldRef), with $(VAR) expansion as the kubelet
// does. A missing ConfigMap/Secret/key is a CreateContainerConfigError.
import { findResource, type ResourceDef } from '../api/resources.ts';
import type { ObjectStore } from '../api/store.ts';
import type { Container, Pod } from '../controllers/types.ts';

const configMaps = findResource('', 'v1', 'configmaps') as ResourceDef;
const secrets = findResource('', 'v1', 'secrets') as ResourceDef;

export class ContainerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigError';
  }
}

function expand(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return name !== undefined && name in env ? (env[name] ?? '') : match;
  });
}

function fieldValue(pod: Pod, path: string): string {
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid;
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
    case 'status.podIP':
    case 'status.hostIP':
      return '127.0.0.1';
    default: {
      const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
      if (m?.[1] && m[2]) return pod.metadata[m[1] as 'labels' | 'annotations']?.[m[2]] ?? '';
      throw new ContainerConfigError(`unsupported fieldRef ${path}`);
    }
  }
}

export function containerEnv(store: ObjectStore, pod: Pod, container: Container): Record<string, string> {
  const namespace = pod.metadata.namespace ?? 'default';
  const env: Record<string, string> = {};
  const readMap = (
    kind: 'configmap' | 'secret',
    name: string,
    optional: boolean,
  ): Record<string, string> | undefined => {
    const o = store.get(kind === 'configmap' ? configMaps : secrets, namespace, name);
    if (!o) {
      if (optional) return undefined;
      throw new ContainerConfigError(`${kind} "${name}" not found`);
    }
    const data = (o.data ?? {}) as Record<string, string>;
    if (kind === 'configmap') return data;
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  };
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    const data = from.configMapRef
      ? readMap('configmap', from.configMapRef.name, from.configMapRef.optional === true)
      : from.secretRef
        ? readMap('secret', from.secretRef.name, from.secretRef.optional === true)
        : undefined;
    for (const [k, v] of Object.entries(data ?? {})) env[`${prefix}${k}`] = v;
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) {
      env[e.name] = expand(e.value, env);
      continue;
    }
    const ref = e.valueFrom;
    if (!ref) {
      env[e.name] = '';
      continue;
    }
    if (ref.fieldRef) {
      env[e.name] = fieldValue(pod, ref.fieldRef.fieldPath);
      continue;
    }
    const keyRef = ref.configMapKeyRef ?? ref.secretKeyRef;
    if (!keyRef) continue;
    const kind = ref.configMapKeyRef ? 'configmap' : 'secret';
    const data = readMap(kind, keyRef.name, keyRef.optional === true);
    if (!data) continue;
    const value = data[keyRef.key];
    if (value === undefined) {
      if (keyRef.optional === true) continue;
      throw new ContainerConfigError(
        `couldn't find key ${keyRef.key} in ${kind === 'configmap' ? 'ConfigMap' : 'Secret'} ${namespace}/${keyRef.name}`,
      );
    }
    env[e.name] = value;
  }
  return env;
}
