import { describe, expect, it } from 'vitest';
import type { EnvironmentState } from '../scripts/main/environment-state.ts';
import { mavenReportedMs, pushedDigest, registryDigest, type SideCheck, sideProblems } from './pipeline-checks.ts';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const REF = '127.0.0.1:5000/ostock/licensing-service-peer:0123456789ab';

function state(namespace: string, profile: string, over: Partial<EnvironmentState> = {}): EnvironmentState {
  return { namespace, image: REF, digests: [D1], readyPods: 2, pods: 2, replicas: 2, profile, ...over };
}

function peer(over: Partial<Record<'dev' | 'test' | 'prod', Partial<EnvironmentState>>> = {}): SideCheck {
  return {
    side: 'peer',
    digest: D1,
    imageRef: REF,
    states: {
      dev: state('peer-dev', 'dev', over.dev),
      test: state('peer-test', 'test', over.test),
      prod: state('peer-prod', 'prod', over.prod),
    },
  };
}

describe('sideProblems', () => {
  it('accepts a side whose every environment runs the new image on all its pods', () => {
    expect(sideProblems(peer())).toEqual([]);
  });

  it('names the environment whose rollout did not reach the new image', () => {
    expect(sideProblems(peer({ prod: { digests: [D2] } }))).toEqual([`peer peer-prod: runs ${D2}, not ${D1}`]);
  });

  it('names a rollout that left pods unready, or old pods beside the new ones', () => {
    expect(sideProblems(peer({ test: { readyPods: 1 } }))).toEqual(['peer peer-test: 1 of 2 pods ready (2 pods)']);
    expect(sideProblems(peer({ dev: { digests: [D2, D1], pods: 3 } }))).toEqual([
      `peer peer-dev: runs ${D2}, ${D1}, not ${D1}`,
    ]);
  });

  it('names a Deployment that was not set to the new image (set image did not run)', () => {
    const old = '127.0.0.1:5000/ostock/licensing-service-peer:ffffffffffff';
    expect(sideProblems(peer({ dev: { image: old } }))).toEqual([
      `peer peer-dev: the Deployment names ${old}, not ${REF}`,
    ]);
  });

  it('refuses a side that published no digest', () => {
    expect(sideProblems({ ...peer(), digest: '' })).toContain("peer: published '', not a digest");
  });
});

describe('pushedDigest', () => {
  it("reads the digest of docker push's last line", () => {
    const output = [
      'The push refers to repository [127.0.0.1:5000/ostock/licensing-service-peer]',
      '5f70bf18a086: Pushed',
      `0123456789ab: digest: ${D2} size: 741`,
    ].join('\n');
    expect(pushedDigest(output)).toBe(D2);
  });

  it('fails when docker push reported no digest (it did not push)', () => {
    expect(() => pushedDigest('unauthorized: authentication required')).toThrow(
      "docker push: no 'digest: sha256:... size: N' line in its output: unauthorized: authentication required",
    );
  });
});

describe('registryDigest', () => {
  it('reads the digest ECR holds for the tag', () => {
    const json = JSON.stringify({ imageDetails: [{ imageDigest: D1, imageTags: ['0123456789ab'] }] });
    expect(registryDigest(json, '0123456789ab')).toBe(D1);
  });

  it('fails when ECR holds no image with that tag', () => {
    const json = JSON.stringify({ imageDetails: [{ imageDigest: D1, imageTags: ['other'] }] });
    expect(() => registryDigest(json, '0123456789ab')).toThrow(
      "aws ecr describe-images: no image tagged '0123456789ab' with a digest",
    );
  });
});

describe('mavenReportedMs', () => {
  it("reads Maven's Total time in seconds or minutes, the last one when there are several", () => {
    expect(mavenReportedMs(['[INFO] BUILD SUCCESS', '[INFO] Total time:  8.123 s'])).toBe(8123);
    expect(mavenReportedMs(['[INFO] Total time:  01:05 min'])).toBe(65_000);
    expect(mavenReportedMs(['[INFO] Total time:  1.000 s', '[INFO] Total time:  2.500 s'])).toBe(2500);
    expect(mavenReportedMs(['no maven here'])).toBeUndefined();
  });
});
