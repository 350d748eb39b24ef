import { describe, expect, test } from 'vitest';
import { deploymentSchema } from '../schema.ts';
import { FieldSet, type FieldsV1 } from './field-set.ts';
import { compareFields, toFieldSet, typedFields } from './typed-fields.ts';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['example.com/keep'] },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'registry/web@sha256:aa',
            args: ['--port', '8080'],
            env: [{ name: 'PROFILE', value: 'dev' }],
            resources: { limits: { cpu: '500m' } },
          },
        ],
      },
    },
  },
};

function fieldsV1(value: unknown): FieldsV1 {
  return toFieldSet(typedFields(deploymentSchema, value)).toFieldsV1();
}

function at(fields: FieldsV1 | undefined, ...path: string[]): FieldsV1 | undefined {
  return path.reduce<FieldsV1 | undefined>((node, element) => node?.[element], fields);
}

const CONTAINER = ['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"app"}'];

describe('the fields of an applied configuration (FieldsV1, as structured-merge-diff computes them)', () => {
  test('scalars are members; structs appear only as the path to them', () => {
    expect(fieldsV1({ spec: { replicas: 2, paused: false } })).toEqual({
      'f:spec': { 'f:paused': {}, 'f:replicas': {} },
    });
  });

  test('an element of an associative list is a member named by its key, and so are its fields', () => {
    const containers = at(fieldsV1(deployment), 'f:spec', 'f:template', 'f:spec', 'f:containers');
    expect(containers).toEqual({
      'k:{"name":"app"}': {
        '.': {},
        'f:args': {},
        'f:env': { 'k:{"name":"PROFILE"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
        'f:image': {},
        'f:name': {},
        'f:resources': { 'f:limits': { 'f:cpu': {} } },
      },
    });
  });

  test('an atomic list or struct (the selector) is one member; a set names each value with v:; map entries are members', () => {
    const fields = fieldsV1(deployment);
    expect(at(fields, ...CONTAINER, 'f:args')).toEqual({});
    expect(at(fields, 'f:metadata', 'f:finalizers')).toEqual({ 'v:"example.com/keep"': {} });
    expect(at(fields, 'f:metadata', 'f:labels')).toEqual({ 'f:app': {} });
    expect(at(fields, 'f:spec', 'f:selector')).toEqual({});
  });

  test('FieldsV1 reads back into the same set', () => {
    const set = toFieldSet(typedFields(deploymentSchema, deployment));
    expect(FieldSet.fromFieldsV1(set.toFieldsV1()).equals(set)).toBe(true);
  });

  test('an element without its merge key is refused with the path, as SMD words it', () => {
    expect(() =>
      typedFields(deploymentSchema, { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }),
    ).toThrow(
      '.spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    );
  });

  test('compare: a new element is added with its fields, a changed scalar is modified, a dropped one removed', () => {
    const before = typedFields(deploymentSchema, deployment);
    const next = structuredClone(deployment);
    const [container] = next.spec.template.spec.containers;
    if (!container) throw new Error('no container');
    container.image = 'registry/web@sha256:bb';
    container.env = [{ name: 'REGION', value: 'eu' }];
    const cmp = compareFields(before, typedFields(deploymentSchema, next));
    const c = CONTAINER;
    expect(cmp.modified.members()).toEqual([[...c, 'f:image']]);
    expect(cmp.added.members()).toEqual([
      [...c, 'f:env', 'k:{"name":"REGION"}'],
      [...c, 'f:env', 'k:{"name":"REGION"}', 'f:name'],
      [...c, 'f:env', 'k:{"name":"REGION"}', 'f:value'],
    ]);
    expect(cmp.removed.members()).toEqual([
      [...c, 'f:env', 'k:{"name":"PROFILE"}'],
      [...c, 'f:env', 'k:{"name":"PROFILE"}', 'f:name'],
      [...c, 'f:env', 'k:{"name":"PROFILE"}', 'f:value'],
    ]);
  });
});
