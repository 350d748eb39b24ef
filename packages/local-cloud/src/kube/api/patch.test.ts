import { describe, expect, test } from 'vitest';
import { jsonMergePatch, jsonPatch, strategicMergePatch } from './patch.ts';
import { deploymentSchema } from './schema.ts';
import { KubeStatusError } from './status.ts';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', annotations: { a: '1' } },
  spec: {
    template: {
      spec: {
        containers: [
          {
            name: 'web',
            image: 'r/web@sha256:1',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
            ports: [{ containerPort: 8080 }],
          },
          { name: 'sidecar', image: 'r/side:1' },
        ],
      },
    },
  },
};

describe('strategic merge patch', () => {
  test('kubectl set image merges containers by name and keeps the rest', () => {
    const out = strategicMergePatch(
      deployment,
      { spec: { template: { spec: { containers: [{ image: 'r/web@sha256:2', name: 'web' }] } } } },
      deploymentSchema,
    ) as typeof deployment;
    expect(out.spec.template.spec.containers.map((c) => [c.name, c.image])).toEqual([
      ['web', 'r/web@sha256:2'],
      ['sidecar', 'r/side:1'],
    ]);
    expect(out.spec.template.spec.containers[0]?.env).toHaveLength(2);
  });
  test('env merges by name, $patch: delete removes an entry, null removes a field', () => {
    const patch = {
      metadata: { annotations: { a: null } },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'web',
                env: [
                  { name: 'B', $patch: 'delete' },
                  { name: 'C', value: '3' },
                ],
              },
            ],
          },
        },
      },
    };
    const out = strategicMergePatch(deployment, patch, deploymentSchema) as typeof deployment;
    expect(out.spec.template.spec.containers[0]?.env?.map((e) => e.name)).toEqual(['A', 'C']);
    expect(out.metadata.annotations).toEqual({});
  });
  test('$setElementOrder orders the merged list', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }],
            containers: [{ name: 'web', image: 'x' }],
          },
        },
      },
    };
    const out = strategicMergePatch(deployment, patch, deploymentSchema) as typeof deployment;
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(['sidecar', 'web']);
  });
  test('$patch: replace replaces a list', () => {
    const patch = {
      spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'o' }] } } },
    };
    const out = strategicMergePatch(deployment, patch, deploymentSchema) as typeof deployment;
    expect(out.spec.template.spec.containers).toEqual([{ name: 'only', image: 'o' }]);
  });
  test('a list item without its merge key is a 400', () => {
    const patch = { spec: { template: { spec: { containers: [{ image: 'x' }] } } } };
    expect(() => strategicMergePatch(deployment, patch, deploymentSchema)).toThrow(
      /does not contain declared merge key: name/,
    );
  });
});

describe('JSON patch (RFC 6902)', () => {
  test('kubectl rollout undo replaces the template and the annotations', () => {
    const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'old' }] } };
    const out = jsonPatch(deployment, [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: { b: '2' } },
    ]) as typeof deployment;
    expect(out.spec.template).toEqual(template);
    expect(out.metadata.annotations).toEqual({ b: '2' });
  });
  test.each([
    [[{ op: 'replace', path: '/spec/nothing/here', value: 1 }], 422, /doc is missing path/],
    [[{ op: 'test', path: '/metadata/name', value: 'other' }], 422, /test failed/],
    [[{ op: 'frobnicate', path: '/x' }], 400, /Unexpected kind: frobnicate/],
    [{ op: 'add' }, 400, /cannot unmarshal object/],
  ])('%j fails with %d', (ops, code, message) => {
    try {
      jsonPatch(deployment, ops);
      expect.unreachable();
    } catch (error: unknown) {
      expect(error).toBeInstanceOf(KubeStatusError);
      const e = error as KubeStatusError;
      expect(e.code).toBe(code);
      expect(JSON.stringify(e.status)).toMatch(message);
    }
  });
  test('add with "-" appends to a list, remove drops by index', () => {
    const out = jsonPatch({ a: [1, 2] }, [
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'remove', path: '/a/0' },
    ]);
    expect(out).toEqual({ a: [2, 3] });
  });
});

describe('JSON merge patch (RFC 7386)', () => {
  test('objects merge, null deletes, lists are replaced', () => {
    expect(jsonMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [9] })).toEqual({
      a: { c: 2, d: 3 },
      l: [9],
    });
  });
});
