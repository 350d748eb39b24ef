import { describe, expect, test } from 'vitest';
import { defaultHorizontalPodAutoscaler, validateHorizontalPodAutoscaler } from './horizontal-pod-autoscaler.ts';
import { fieldErrorText } from './status.ts';

type Obj = Record<string, unknown>;

function hpa(spec: Obj): Obj {
  const o = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec };
  defaultHorizontalPodAutoscaler(o);
  return o;
}

function problems(spec: Obj): string[] {
  return validateHorizontalPodAutoscaler(hpa(spec)).map((e) => `${e.field}: ${fieldErrorText(e)}`);
}

const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

describe('HorizontalPodAutoscaler defaults (autoscaling/v2 defaults.go)', () => {
  test('minReplicas 1 and CPU at 80 % when nothing is said', () => {
    expect(hpa({ scaleTargetRef: target, maxReplicas: 3 }).spec).toEqual({
      scaleTargetRef: target,
      maxReplicas: 3,
      minReplicas: 1,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
      ],
    });
  });

  test('a behavior gets the default rules it leaves out', () => {
    const spec = hpa({
      scaleTargetRef: target,
      maxReplicas: 3,
      behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
    }).spec as { behavior: Obj };
    expect(spec.behavior).toEqual({
      scaleDown: {
        stabilizationWindowSeconds: 60,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      },
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ],
      },
    });
  });
});

describe('HorizontalPodAutoscaler validation, worded as the API server', () => {
  test.each([
    [{ scaleTargetRef: target, maxReplicas: 3 }, []],
    [
      { scaleTargetRef: target, maxReplicas: 0 },
      [
        'spec.maxReplicas: Invalid value: 0: must be greater than 0',
        'spec.maxReplicas: Invalid value: 0: must be greater than or equal to `minReplicas`',
      ],
    ],
    [
      { scaleTargetRef: target, minReplicas: 0, maxReplicas: 2 },
      ['spec.minReplicas: Invalid value: 0: must be greater than or equal to 1'],
    ],
    [{ scaleTargetRef: { kind: 'Deployment' }, maxReplicas: 2 }, ['spec.scaleTargetRef.name: Required value']],
    [
      { scaleTargetRef: target, maxReplicas: 2, metrics: [{ type: 'Memory' }] },
      [
        'spec.metrics[0].type: Unsupported value: "Memory": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
      ],
    ],
    [
      {
        scaleTargetRef: target,
        maxReplicas: 2,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization' } } }],
      },
      [
        'spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization',
      ],
    ],
  ])('%j', (spec, expected) => {
    expect(problems(spec)).toEqual(expected);
  });
});
