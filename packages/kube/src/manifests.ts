// Applies manifests before a promotion: each document is created, or strategic-merged onto what
// exists; in Deployments the images of the promoted repository are replaced by the digest.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { type KubeClient, PatchType } from './client.ts';
import { KubeApiError } from './errors.ts';
import { sameImage } from './image-ref.ts';
import { ANNOTATION_CHANGE_CAUSE, ANNOTATION_DIGEST } from './set-image.ts';
import { yamlSyntaxError } from './yaml-errors.ts';

interface KindInfo {
  group: string;
  version: string;
  plural: string;
}

const KINDS: Record<string, KindInfo> = {
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments' },
  Service: { group: '', version: 'v1', plural: 'services' },
  ConfigMap: { group: '', version: 'v1', plural: 'configmaps' },
  Secret: { group: '', version: 'v1', plural: 'secrets' },
  Role: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles' },
  RoleBinding: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'rolebindings' },
};

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface AppliedManifest {
  kind: string;
  name: string;
  namespace: string;
  action: 'created' | 'patched';
}

/** Masks the values of a Secret's stringData and data (and data's base64 decoding). */
function maskSecretValues(manifest: Manifest, mask: (secret: string) => void): void {
  if (manifest.kind !== 'Secret') return;
  const values = (field: unknown): unknown[] =>
    typeof field === 'object' && field !== null ? Object.values(field as Record<string, unknown>) : [];
  for (const value of values(manifest.stringData)) if (typeof value === 'string' && value !== '') mask(value);
  for (const value of values(manifest.data)) {
    if (typeof value !== 'string' || value === '') continue;
    mask(value);
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    if (decoded !== '') mask(decoded);
  }
}

/**
 * Reads every document of the files; refuses kinds this tool does not apply, naming file and
 * document. A Secret's values are masked as soon as they are read; a YAML error names the file,
 * line and column, never the line.
 */
export function readManifests(
  files: string[],
  mask: (secret: string) => void = () => {},
): { file: string; manifest: Manifest }[] {
  const result: { file: string; manifest: Manifest }[] = [];
  for (const file of files) {
    const docs = parseAllDocuments(readFileSync(file, 'utf8'), { uniqueKeys: true });
    for (const [index, doc] of docs.entries()) {
      const [syntax] = doc.errors;
      if (syntax) throw yamlSyntaxError(`${file} (document ${index + 1})`, syntax);
      let value: Manifest | null;
      try {
        value = doc.toJS({ maxAliasCount: 100 }) as Manifest | null;
      } catch (error: unknown) {
        throw new Error(
          `${file}: document ${index + 1}: invalid YAML (${error instanceof Error ? error.name : 'error'})`,
        );
      }
      if (value === null) continue;
      maskSecretValues(value, mask);
      if (!value.kind || !value.apiVersion || !value.metadata?.name) {
        throw new Error(`${file}: document ${index + 1} needs apiVersion, kind and metadata.name`);
      }
      const info = KINDS[value.kind];
      const expectedApiVersion = info ? (info.group ? `${info.group}/${info.version}` : info.version) : '';
      if (!info || value.apiVersion !== expectedApiVersion) {
        throw new Error(
          `${file}: document ${index + 1} is ${value.apiVersion}/${value.kind}; supported kinds: ${Object.entries(KINDS)
            .map(([k, i]) => `${i.group ? `${i.group}/` : ''}${i.version}/${k}`)
            .join(', ')}`,
        );
      }
      result.push({ file, manifest: value });
    }
  }
  return result;
}

/** Replaces the image of every Deployment container that stands for the promoted repository (same repository or image name). */
export function pinImages(manifest: Manifest, image: string): Manifest {
  if (manifest.kind !== 'Deployment') return manifest;
  const copy = structuredClone(manifest) as Manifest & {
    spec?: { template?: { spec?: { containers?: { image?: string }[] } } };
  };
  for (const container of copy.spec?.template?.spec?.containers ?? []) {
    if (container.image && sameImage(container.image, image)) container.image = image;
  }
  return copy;
}

/**
 * Records a promotion on a Deployment manifest the way set-image records it on a live one: the
 * change cause and the digest as annotations (the ReplicaSet of the revision carries them, so
 * `kubectl rollout history` shows the cause), the digest on the pod template too.
 */
export function annotatePromotion(manifest: Manifest, changeCause: string, digest: string): Manifest {
  if (manifest.kind !== 'Deployment') return manifest;
  const copy = structuredClone(manifest) as Manifest & {
    metadata: { annotations?: Record<string, string> };
    spec?: { template?: { metadata?: { annotations?: Record<string, string> } } };
  };
  copy.metadata.annotations = {
    ...copy.metadata.annotations,
    [ANNOTATION_CHANGE_CAUSE]: changeCause,
    [ANNOTATION_DIGEST]: digest,
  };
  if (copy.spec?.template) {
    copy.spec.template.metadata = {
      ...copy.spec.template.metadata,
      annotations: { ...copy.spec.template.metadata?.annotations, [ANNOTATION_DIGEST]: digest },
    };
  }
  return copy;
}

function collectionPath(info: KindInfo, namespace: string): string {
  const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${info.plural}`;
}

export async function applyManifest(
  client: KubeClient,
  manifest: Manifest,
  namespace: string,
): Promise<AppliedManifest> {
  const info = KINDS[manifest.kind];
  if (!info) throw new Error(`apply: kind ${manifest.kind} is not supported`);
  const ns = manifest.metadata.namespace ?? namespace;
  if (ns !== namespace) {
    throw new Error(
      `apply: ${manifest.kind}/${manifest.metadata.name} names namespace '${ns}', but the target is '${namespace}'`,
    );
  }
  const body = { ...manifest, metadata: { ...manifest.metadata, namespace } };
  const path = collectionPath(info, namespace);
  try {
    await client.request('POST', path, { body });
    return { kind: manifest.kind, name: manifest.metadata.name, namespace, action: 'created' };
  } catch (error: unknown) {
    if (!(error instanceof KubeApiError) || error.status !== 409) throw error;
  }
  await client.request('PATCH', `${path}/${encodeURIComponent(manifest.metadata.name)}`, {
    body,
    contentType: PatchType.strategicMerge,
  });
  return { kind: manifest.kind, name: manifest.metadata.name, namespace, action: 'patched' };
}
