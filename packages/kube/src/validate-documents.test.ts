import { describe, expect, it } from 'vitest';
import type { ManifestDocument } from './manifests.ts';
import { ManifestRefusedError, validateDocuments } from './validate-documents.ts';

const doc = (index: number, kind: string, name: string, namespace?: string, apiVersion = 'v1'): ManifestDocument => ({
  file: 'k8s/app.yaml',
  index,
  manifest: { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } },
});

function refusal(docs: ManifestDocument[]): ManifestRefusedError {
  try {
    validateDocuments(docs, 'dev');
  } catch (error: unknown) {
    if (error instanceof ManifestRefusedError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('validating every document before the first write', () => {
  it('accepts documents without a namespace or with the environment’s', () => {
    expect(() =>
      validateDocuments([doc(1, 'Deployment', 'svc', 'dev', 'apps/v1'), doc(2, 'ConfigMap', 'settings')], 'dev'),
    ).not.toThrow();
  });

  it('refuses a document in another namespace, naming file, index and kind/name', () => {
    const error = refusal([doc(1, 'Deployment', 'svc', undefined, 'apps/v1'), doc(2, 'Service', 'svc', 'prod')]);
    expect(error.message).toBe(
      "manifests refused before any write, nothing was changed: k8s/app.yaml (document 2, Service/svc) names namespace 'prod', but the environment's namespace is 'dev'",
    );
  });

  it('refuses a kind it does not apply, and a kind under another apiVersion', () => {
    const error = refusal([doc(1, 'Ingress', 'web', undefined, 'networking.k8s.io/v1'), doc(2, 'Deployment', 'svc')]);
    expect(error.problems).toHaveLength(2);
    expect(error.problems[0]).toMatch(
      /^k8s\/app\.yaml \(document 1, Ingress\/web\) is networking\.k8s\.io\/v1\/Ingress; supported kinds: apps\/v1\/Deployment, v1\/Service/,
    );
    expect(error.problems[1]).toMatch(/^k8s\/app\.yaml \(document 2, Deployment\/svc\) is v1\/Deployment/);
  });

  it('refuses two documents that name the same object', () => {
    expect(refusal([doc(1, 'ConfigMap', 'a'), doc(3, 'ConfigMap', 'a')]).problems).toEqual([
      'k8s/app.yaml (document 3, ConfigMap/a) names the same object as k8s/app.yaml (document 1, ConfigMap/a)',
    ]);
  });
});
