import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { KubeStatusError } from '../status.ts';
import { decodeProtobufBody } from './decode-body.ts';

// Bodies captured from the real kubectl 1.32 (`-v=9` hex dumps) against the stand-in.
function fixture(name: string): Buffer {
  return Buffer.from(
    readFileSync(new URL(`../../../../test/fixtures/protobuf/${name}.hex`, import.meta.url), 'utf8').trim(),
    'hex',
  );
}

function refusal(body: Buffer, kind: string): KubeStatusError {
  try {
    decodeProtobufBody(body, kind);
  } catch (error: unknown) {
    if (error instanceof KubeStatusError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('decodeProtobufBody with what kubectl 1.32 sends', () => {
  test.each([
    [
      'configmap-01',
      'ConfigMap',
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'fx1', namespace: 'dev', creationTimestamp: null },
        data: { empty: '', greeting: 'hello' },
      },
    ],
    [
      'namespace-01',
      'Namespace',
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'fx-ns', creationTimestamp: null },
        spec: {},
        status: {},
      },
    ],
    [
      'selfsubjectaccessreview-01',
      'SelfSubjectAccessReview',
      {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        metadata: { creationTimestamp: null },
        spec: { resourceAttributes: { namespace: 'prod', verb: 'patch', group: 'apps', resource: 'deployments' } },
        status: { allowed: false },
      },
    ],
    [
      'selfsubjectreview-01',
      'SelfSubjectReview',
      {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'SelfSubjectReview',
        metadata: { creationTimestamp: null },
        status: { userInfo: {} },
      },
    ],
    [
      'selfsubjectrulesreview-01',
      'SelfSubjectRulesReview',
      {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectRulesReview',
        metadata: { creationTimestamp: null },
        spec: { namespace: 'dev' },
        status: { incomplete: false },
      },
    ],
    [
      'secret-01',
      'Secret',
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'fx-s', namespace: 'dev', creationTimestamp: null },
        data: { token: Buffer.from('s3cr3t').toString('base64') },
      },
    ],
    [
      'rolebinding-01',
      'RoleBinding',
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'fx-rb', namespace: 'dev', creationTimestamp: null },
        subjects: [
          { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' },
          { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' },
        ],
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      },
    ],
  ])('decodes %s into the JSON kubectl would have sent', (name, kind, expected) => {
    expect(decodeProtobufBody(fixture(name), kind)).toStrictEqual(expected);
  });

  test('decodes a Deployment: a pointer field keeps its zero (replicas: 0), omitempty zeros are left out', () => {
    const d = decodeProtobufBody(fixture('deployment-01'), 'Deployment') as {
      spec: { replicas?: number; minReadySeconds?: number; template: { spec: { containers: object[] } } };
    };
    expect(d.spec.replicas).toBe(0);
    expect(d.spec).not.toHaveProperty('minReadySeconds');
    expect(d.spec.template.spec.containers).toStrictEqual([
      {
        name: 'web',
        image: 'registry.example/web@sha256:0000000000000000000000000000000000000000000000000000000000000000',
        ports: [{ containerPort: 8080 }],
        resources: {},
      },
    ]);
  });
});

describe('decodeProtobufBody refuses what the API server refuses, with a 400 Status', () => {
  test('a body without the k8s\\0 magic', () => {
    const e = refusal(Buffer.from('{"kind":"ConfigMap"}'), 'ConfigMap');
    expect(e.status).toMatchObject({ kind: 'Status', code: 400, reason: 'BadRequest', status: 'Failure' });
    expect(e.message).toBe(
      'the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"kind":"ConfigMap"})',
    );
  });

  test('the magic alone', () => {
    expect(refusal(Buffer.from('6b387300', 'hex'), 'Namespace').message).toBe(
      'the object provided is unrecognized (must be of type Namespace): empty body (6b387300)',
    );
  });

  test('a truncated envelope', () => {
    const cut = fixture('configmap-01').subarray(0, 20);
    const e = refusal(cut, 'ConfigMap');
    expect(e.code).toBe(400);
    expect(e.message).toMatch(
      /^the object provided is unrecognized \(must be of type ConfigMap\): proto: runtime\.Unknown: .+ \(6b387300/,
    );
  });

  test('a truncated object inside a whole envelope', () => {
    // Unknown{typeMeta{v1, ConfigMap}, raw = the first 5 bytes of an ObjectMeta field}
    const body = Buffer.from('6b3873000a0f0a0276311209436f6e6669674d61701205' + '0a160a0366', 'hex');
    const e = refusal(body, 'ConfigMap');
    expect(e.code).toBe(400);
    expect(e.message).toMatch(/^ConfigMap in version "v1" cannot be handled as a ConfigMap: proto: ConfigMap: /);
  });

  test('a kind the scheme does not know, and a missing kind', () => {
    const unknownKind = Buffer.from('6b3873000a0c0a027631120650696e67657212', 'hex');
    expect(refusal(Buffer.concat([unknownKind, Buffer.from([0])]), 'ConfigMap').message).toBe(
      'Pinger in version "v1" cannot be handled as a ConfigMap: no kind "Pinger" is registered for version "v1" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"',
    );
    const noKind = Buffer.from('6b3873000a040a02763112020a00', 'hex');
    expect(refusal(noKind, 'ConfigMap').message).toMatch(
      /^the object provided is unrecognized \(must be of type ConfigMap\): Object 'Kind' is missing in 'runtime\.TypeMeta\{APIVersion:"v1", Kind:""\}'/,
    );
  });

  test('a type that is part of a kind but no kind itself (PodSpec)', () => {
    const podSpec = Buffer.from('6b3873000a0d0a0276311207506f645370656312', 'hex');
    expect(refusal(Buffer.concat([podSpec, Buffer.from([0])]), 'Pod').message).toMatch(
      /no kind "PodSpec" is registered/,
    );
  });
});
