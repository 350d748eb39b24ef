// Manifests of a promotion: read (every document, Secrets masked as read), pinned to the digest,
// and applied like `kubectl apply --server-side`: each document is the whole intent of field
// manager `bakeline`, so a field removed from the file is removed from the object. Conflicts are
// forced (see FORCE_CONFLICTS). Where a HorizontalPodAutoscaler targets a Deployment, its
// `replicas` is left out. A dry run (`dryRun=All`) makes the same calls and changes nothing.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { KubeClient } from './client.ts';
import { FORCE_CONFLICTS, LEGACY_FIELD_MANAGERS, MANIFEST_FIELD_MANAGER } from './field-managers.ts';
import { sameImage } from './image-ref.ts';
import { upgradeManagedFields } from './managed-fields-upgrade.ts';
import { type ObjectRef, objectRef } from './object-ref.ts';
import { omitAutoscaledReplicas, serverSideApply } from './server-side-apply.ts';
import { ANNOTATION_CHANGE_CAUSE, ANNOTATION_DIGEST } from './set-image.ts';

import { yamlSyntaxError } from './yaml-errors.ts';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** One document of a manifest file: `index` counts from 1, as in messages. */
export interface ManifestDocument {
  file: string;
  index: number;
  manifest: Manifest;
}

/** `k8s/app.yaml (document 2, Service/svc)`: how every message names a document. */
export function describeDocument(doc: ManifestDocument): string {
  return `${doc.file} (document ${doc.index}, ${doc.manifest.kind}/${doc.manifest.metadata.name})`;
}

export interface AppliedManifest {
  ref: ObjectRef;
  /** The object as the server answered (for a dry run: as it would be). */
  object: KubeObject;
  /** The HorizontalPodAutoscaler that targets it: `replicas` was left out. */
  autoscaler: string | undefined;
}

/** What every Kubernetes object has; the rest is kept as it came. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    [key: string]: unknown;
  };
  [key: string]: unknown;
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
 * Reads every document of the files (kinds and namespaces are checked by validateDocuments). A
 * Secret's values are masked as soon as they are read; a YAML error names the file, line and
 * column, never the line.
 */
export function readManifests(files: string[], mask: (secret: string) => void = () => {}): ManifestDocument[] {
  const result: ManifestDocument[] = [];
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
      result.push({ file, index: index + 1, manifest: value });
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

export interface ApplyOptions {
  /** `dryRun=All`: admission, RBAC and schema are checked; nothing is stored. */
  dryRun?: boolean;
}

/** Server-side apply of one document under MANIFEST_FIELD_MANAGER (creates it when absent). */
export async function applyManifest(
  client: KubeClient,
  manifest: Manifest,
  namespace: string,
  options: ApplyOptions = {},
): Promise<AppliedManifest> {
  const ns = manifest.metadata.namespace ?? namespace;
  if (ns !== namespace) {
    throw new Error(
      `apply: ${manifest.kind}/${manifest.metadata.name} names namespace '${ns}', but the target is '${namespace}'`,
    );
  }
  const ref = objectRef(manifest.kind, namespace, manifest.metadata.name);
  const body: Manifest = { ...manifest, metadata: { ...manifest.metadata, namespace } };
  const { object: intent, autoscaler } =
    manifest.kind === 'Deployment'
      ? await omitAutoscaledReplicas(client, body, { namespace })
      : { object: body, autoscaler: undefined };
  if (!options.dryRun) {
    await upgradeManagedFields(client, intent, {
      fieldManager: MANIFEST_FIELD_MANAGER,
      legacyManagers: LEGACY_FIELD_MANAGERS,
    });
  }
  const object = await serverSideApply<Manifest>(client, intent, {
    fieldManager: MANIFEST_FIELD_MANAGER,
    force: FORCE_CONFLICTS,
    namespace,
    ...(options.dryRun ? { dryRun: true } : {}),
  });
  return { ref, object: object as KubeObject, autoscaler };
}
