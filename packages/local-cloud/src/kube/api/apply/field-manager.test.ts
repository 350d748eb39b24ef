// Server-side apply's ownership rules, one behaviour per test, on a Deployment.
import { describe, expect, test } from 'vitest';
import { findResource, type ResourceDef } from '../resources.ts';
import { applyManagers, BEFORE_FIRST_APPLY, updateManagers } from './field-manager.ts';
import type { ManagerEntry } from './managed-fields.ts';
import { scopeOf } from './tracking.ts';

type Obj = Record<string, unknown>;
const deployments = findResource('apps', 'v1', 'deployments') as ResourceDef;
const scope = scopeOf(deployments, 'main');
const TIME = '2026-12-03T12:00:00Z';
const IMAGE = ['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"app"}', 'f:image'];
const REPLICAS = ['f:spec', 'f:replicas'];

function manifest(options: { image?: string; replicas?: number; env?: Obj[] } = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'dev' },
    spec: {
      ...(options.replicas !== undefined ? { replicas: options.replicas } : {}),
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'app', image: options.image ?? 'web:1', ...(options.env ? { env: options.env } : {}) }],
        },
      },
    },
  };
}

function apply(live: Obj | undefined, managers: ManagerEntry[], manager: string, config: Obj, force = false) {
  return applyManagers({
    scope,
    live,
    config,
    managers,
    applier: { manager, apiVersion: 'apps/v1', time: TIME },
    force,
  });
}

function container(o: Obj): Obj {
  const spec = (o.spec as { template: { spec: { containers: Obj[] } } }).template.spec;
  return spec.containers[0] as Obj;
}

function owner(managers: ManagerEntry[], path: string[]): string[] {
  return managers.filter((m) => m.fields.has(path)).map((m) => `${m.manager}/${m.operation}`);
}

describe('apply', () => {
  test('creates the object and makes the applier own exactly the fields it applied', () => {
    const { object, managers } = apply(undefined, [], 'bakeline', manifest({ replicas: 2 }));
    expect((object.spec as Obj).replicas).toBe(2);
    expect(managers).toHaveLength(1);
    expect(managers[0]).toMatchObject({ manager: 'bakeline', operation: 'Apply', apiVersion: 'apps/v1', time: TIME });
    expect(managers[0]?.fields.toFieldsV1()).toEqual({
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
        },
      },
    });
  });

  test('removes a field the applier stops applying when nobody else owns it', () => {
    const env = [
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ];
    const first = apply(undefined, [], 'bakeline', manifest({ env }));
    const second = apply(first.object, first.managers, 'bakeline', manifest({ env: [{ name: 'A', value: '1' }] }));
    expect(container(second.object).env).toEqual([{ name: 'A', value: '1' }]);
    const third = apply(second.object, second.managers, 'bakeline', manifest());
    expect(container(third.object).env).toBeUndefined();
  });

  test('keeps a field it stops applying when another manager owns it too', () => {
    const first = apply(undefined, [], 'bakeline', manifest({ replicas: 2 }));
    const shared = apply(first.object, first.managers, 'other', manifest({ replicas: 2 }));
    expect(owner(shared.managers, REPLICAS).sort()).toEqual(['bakeline/Apply', 'other/Apply']);
    const after = apply(shared.object, shared.managers, 'bakeline', manifest());
    expect((after.object.spec as Obj).replicas).toBe(2);
    expect(owner(after.managers, REPLICAS)).toEqual(['other/Apply']);
  });

  test('never removes fields nobody owned (defaults, fields written before managedFields)', () => {
    const first = apply(undefined, [], 'bakeline', manifest());
    const live = structuredClone(first.object);
    (live.spec as Obj).revisionHistoryLimit = 10;
    const after = apply(live, first.managers, 'bakeline', manifest());
    expect((after.object.spec as Obj).revisionHistoryLimit).toBe(10);
  });

  test("changing another manager's field is a conflict naming the manager and the field", () => {
    const first = apply(undefined, [], 'A', manifest({ image: 'web:1' }));
    expect(() => apply(first.object, first.managers, 'B', manifest({ image: 'web:2' }))).toThrow(
      'Apply failed with 1 conflict: conflict with "A": .spec.template.spec.containers[name="app"].image',
    );
  });

  test('the conflict is a 409 Status with one FieldManagerConflict cause per field', () => {
    const first = apply(undefined, [], 'A', manifest({ image: 'web:1', replicas: 1 }));
    try {
      apply(first.object, first.managers, 'B', manifest({ image: 'web:2', replicas: 3 }));
      expect.unreachable('apply should conflict');
    } catch (error: unknown) {
      const status = (error as { status: Obj }).status;
      expect(status).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'Apply failed with 2 conflicts: conflicts with "A":\n- .spec.replicas\n- .spec.template.spec.containers[name="app"].image',
        reason: 'Conflict',
        details: {
          causes: [
            { reason: 'FieldManagerConflict', message: 'conflict with "A"', field: '.spec.replicas' },
            {
              reason: 'FieldManagerConflict',
              message: 'conflict with "A"',
              field: '.spec.template.spec.containers[name="app"].image',
            },
          ],
        },
        code: 409,
      });
    }
  });

  test('applying the value another manager already has is no conflict: both own it', () => {
    const first = apply(undefined, [], 'A', manifest({ image: 'web:1' }));
    const second = apply(first.object, first.managers, 'B', manifest({ image: 'web:1' }));
    expect(owner(second.managers, IMAGE).sort()).toEqual(['A/Apply', 'B/Apply']);
  });

  test('force takes the field from the other manager', () => {
    const first = apply(undefined, [], 'A', manifest({ image: 'web:1' }));
    const forced = apply(first.object, first.managers, 'B', manifest({ image: 'web:2' }), true);
    expect(container(forced.object).image).toBe('web:2');
    expect(owner(forced.managers, IMAGE)).toEqual(['B/Apply']);
    // A still owns what B did not change
    expect(owner(forced.managers, REPLICAS)).toEqual([]);
    expect(owner(forced.managers, ['f:spec', 'f:selector']).sort()).toEqual(['A/Apply', 'B/Apply']);
  });

  test('an object without managedFields is first owned by "before-first-apply", so the apply conflicts', () => {
    const live = { ...manifest({ image: 'web:1', replicas: 2 }), status: { replicas: 2 } };
    expect(() => apply(live, [], 'bakeline', manifest({ image: 'web:2' }))).toThrow(
      `Apply failed with 1 conflict: conflict with "${BEFORE_FIRST_APPLY}" using apps/v1: .spec.template.spec.containers[name="app"].image`,
    );
    const taken = apply(live, [], 'bakeline', manifest({ image: 'web:2' }), true);
    expect(owner(taken.managers, IMAGE)).toEqual(['bakeline/Apply']);
    expect(owner(taken.managers, REPLICAS)).toEqual([`${BEFORE_FIRST_APPLY}/Update`]);
    expect((taken.object.spec as Obj).replicas).toBe(2);
  });
});

describe('update (every write that is not an apply)', () => {
  test('the writer takes what it changed; a later apply without it no longer owns it and leaves it', () => {
    const applied = apply(undefined, [], 'bakeline', manifest({ replicas: 2 }));
    const scaled = structuredClone(applied.object);
    (scaled.spec as Obj).replicas = 5;
    const managers = updateManagers({
      scope: scopeOf(deployments, 'scale'),
      live: applied.object,
      next: scaled,
      managers: applied.managers,
      writer: { manager: 'hpa', apiVersion: 'apps/v1', subresource: 'scale' },
    });
    expect(owner(managers, REPLICAS)).toEqual(['hpa/Update']);
    const hpa = managers.find((m) => m.manager === 'hpa');
    expect(hpa?.fields.toFieldsV1()).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(hpa?.subresource).toBe('scale');
    const reapplied = apply(scaled, managers, 'bakeline', manifest());
    expect((reapplied.object.spec as Obj).replicas).toBe(5);
  });

  test('a create records the writer as owner of every field it sent, status and identity excepted', () => {
    const created = { ...manifest({ replicas: 1 }), status: { replicas: 0 } };
    const managers = updateManagers({
      scope,
      live: undefined,
      next: created,
      managers: [],
      writer: { manager: 'bakeline-eks-promote', apiVersion: 'apps/v1', time: TIME },
    });
    expect(managers).toHaveLength(1);
    const fields = managers[0]?.fields.toFieldsV1() ?? {};
    expect(Object.keys(fields)).toEqual(['f:spec']);
    expect(managers[0]).toMatchObject({ operation: 'Update', time: TIME });
  });
});
