import { describe, expect, it } from 'vitest';
import { annotatePromotion, type Manifest } from './manifests.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('annotatePromotion', () => {
  it('records the change cause and digest on a Deployment and its pod template, keeping other annotations', () => {
    const manifest: Manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'svc', annotations: { team: 'licensing' } },
      spec: { template: { metadata: { labels: { app: 'svc' } }, spec: { containers: [] } } },
    };
    const annotated = annotatePromotion(manifest, 'bakeline eks-promote x', DIGEST) as Manifest & {
      metadata: { annotations: Record<string, string> };
      spec: { template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> } } };
    };
    expect(annotated.metadata.annotations).toEqual({
      team: 'licensing',
      'kubernetes.io/change-cause': 'bakeline eks-promote x',
      'bakeline.io/digest': DIGEST,
    });
    expect(annotated.spec.template.metadata).toEqual({
      labels: { app: 'svc' },
      annotations: { 'bakeline.io/digest': DIGEST },
    });
    expect(manifest.metadata.annotations).toEqual({ team: 'licensing' });
  });

  it('leaves other kinds alone', () => {
    const service: Manifest = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' } };
    expect(annotatePromotion(service, 'cause', DIGEST)).toBe(service);
  });
});
