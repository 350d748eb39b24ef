import { describe, expect, it } from 'vitest';
import { canonicalRepository, digestOfImageId, pinnedImage, repositoryOf } from './image-ref.ts';
import { stuckContainers } from './pod-health.ts';
import { selectContainers } from './set-image.ts';
import type { Deployment, Pod } from './types.ts';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

const deployment: Deployment = {
  metadata: {
    name: 'svc',
    annotations: { 'deployment.kubernetes.io/revision': '3', 'kubernetes.io/change-cause': 'rev 3' },
  },
  spec: {
    selector: { matchLabels: { app: 'svc' } },
    template: {
      spec: {
        containers: [
          { name: 'app', image: `127.0.0.1:5000/svc@${B}` },
          { name: 'sidecar', image: 'envoy:1.30' },
        ],
      },
    },
  },
};

describe('image references', () => {
  it.each([
    ['127.0.0.1:5000/team/svc:1.0', '127.0.0.1:5000/team/svc'],
    [`127.0.0.1:5000/team/svc@${A}`, '127.0.0.1:5000/team/svc'],
    ['svc', 'svc'],
  ])('repositoryOf(%s) = %s', (ref, repo) => expect(repositoryOf(ref)).toBe(repo));

  it('reads pinned images and imageIDs', () => {
    expect(pinnedImage(`r/svc@${A}`)).toEqual({ repository: 'r/svc', digest: A });
    expect(pinnedImage('r/svc:1.0')).toBeUndefined();
    expect(pinnedImage('r/svc@sha256:abc')).toBeUndefined();
    expect(digestOfImageId(`docker-pullable://r/svc@${A}`)).toBe(A);
  });

  it('selects containers by repository or by name and explains a miss', () => {
    expect(selectContainers(deployment, `127.0.0.1:5000/svc@${A}`).map((c) => c.container)).toEqual(['app']);
    expect(selectContainers(deployment, `127.0.0.1:5000/svc@${A}`, 'sidecar').map((c) => c.container)).toEqual([
      'sidecar',
    ]);
    expect(() => selectContainers(deployment, `other/repo@${A}`)).toThrow(/no container runs an image of other\/repo/);
  });
});

describe('stuckContainers', () => {
  it('finds pods waiting in CrashLoopBackOff or image pull back-off', () => {
    const pod = (name: string, reason?: string): Pod => ({
      metadata: { name },
      spec: { containers: [] },
      status: {
        containerStatuses: [
          {
            name: 'app',
            image: 'x',
            imageID: '',
            ready: false,
            restartCount: 2,
            state: reason ? { waiting: { reason } } : { running: {} },
          },
        ],
      },
    });
    expect(
      stuckContainers([
        pod('a', 'CrashLoopBackOff'),
        pod('b'),
        pod('c', 'ContainerCreating'),
        pod('d', 'ImagePullBackOff'),
      ]).map((s) => s.pod),
    ).toEqual(['a', 'd']);
  });
});

describe('pinImages', () => {
  it('pins containers of the same repository or image name, and leaves others', async () => {
    const { pinImages } = await import('./manifests.ts');
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'svc' },
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'app', image: 'licensing-service:placeholder' },
              { name: 'sidecar', image: 'envoy:1.30' },
            ],
          },
        },
      },
    };
    const pinned = pinImages(manifest, `127.0.0.1:5000/ostock/licensing-service@${A}`) as typeof manifest;
    expect(pinned.spec.template.spec.containers.map((c) => c.image)).toEqual([
      `127.0.0.1:5000/ostock/licensing-service@${A}`,
      'envoy:1.30',
    ]);
    expect(manifest.spec.template.spec.containers[0]?.image).toBe('licensing-service:placeholder');
  });
});

describe('image references through the oci parser', () => {
  const D = `sha256:${'c'.repeat(64)}`;
  it.each([
    ['an empty tag before the digest', `repo:@${D}`],
    ['an upper-case repository', `127.0.0.1:5000/Svc@${D}`],
    ['a short digest', 'r/svc@sha256:abc'],
  ])('is not a pinned image: %s', (_what, ref) => expect(pinnedImage(ref)).toBeUndefined());
  it('reads a tag before the digest and an upper-case registry host', () => {
    expect(pinnedImage(`Registry.Example.com/team/svc:1.0@${D}`)).toEqual({
      repository: 'Registry.Example.com/team/svc',
      digest: D,
    });
    expect(canonicalRepository(`Registry.Example.com/team/svc@${D}`)).toBe('registry.example.com/team/svc');
    expect(canonicalRepository('busybox:1')).toBe('docker.io/library/busybox');
  });
});
