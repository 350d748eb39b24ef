// autoscaling/v2 HorizontalPodAutoscaler: defaulting as pkg/apis/autoscaling/v2/defaults.go
// (minReplicas 1, CPU at 80 % when no metric is given, the default scale-up and scale-down
// rules filled in when `behavior` is set) and validation as pkg/apis/autoscaling/validation
// (validateHorizontalPodAutoscalerSpec, worded the same). No controller acts on it here: a test
// scales the target through its scale subresource, as the HPA controller would.
import type { FieldError } from './status.ts';
import { invalidValue, notSupported, required } from './validate.ts';

type Obj = Record<string, unknown>;

const METRIC_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const TARGET_FIELD: Record<string, string> = {
  ContainerResource: 'containerResource',
  External: 'external',
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
};
const SELECT_POLICIES = ['Disabled', 'Max', 'Min'];
const POLICY_TYPES = ['Percent', 'Pods'];
const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

function scaleUpDefaults(): Obj {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

function scaleDownDefaults(): Obj {
  return {
    stabilizationWindowSeconds: 300,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  };
}

function fillRules(rules: Obj | undefined, defaults: Obj): Obj {
  if (!rules) return defaults;
  return {
    ...rules,
    stabilizationWindowSeconds: rules.stabilizationWindowSeconds ?? defaults.stabilizationWindowSeconds,
    selectPolicy: rules.selectPolicy ?? defaults.selectPolicy,
    policies: rules.policies ?? defaults.policies,
  };
}

export function defaultHorizontalPodAutoscaler(o: Obj): void {
  if (typeof o.spec !== 'object' || o.spec === null) o.spec = {};
  const spec = o.spec as Obj;
  spec.minReplicas ??= 1;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
    ];
  }
  const behavior = spec.behavior as Obj | undefined;
  if (behavior) {
    behavior.scaleUp = fillRules(behavior.scaleUp as Obj | undefined, scaleUpDefaults());
    behavior.scaleDown = fillRules(behavior.scaleDown as Obj | undefined, scaleDownDefaults());
  }
}

const PATH_SEGMENT = (v: string) => v === '.' || v === '..' || /[/%]/.test(v);

function validateReference(ref: Obj | undefined, field: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of ['kind', 'name']) {
    const v = ref?.[key];
    if (typeof v !== 'string' || v === '') errors.push(required(`${field}.${key}`));
    else if (PATH_SEGMENT(v)) errors.push(invalidValue(`${field}.${key}`, v, `may not contain '/' or '%'`));
  }
  return errors;
}

function validateTarget(target: Obj | undefined, field: string): FieldError[] {
  const errors: FieldError[] = [];
  const type = target?.type;
  if (typeof type !== 'string' || type === '')
    errors.push(required(`${field}.type`, 'must specify a metric target type'));
  if (type !== 'Utilization' && type !== 'Value' && type !== 'AverageValue') {
    errors.push(invalidValue(`${field}.type`, type ?? '', 'must be either Utilization, Value, or AverageValue'));
  }
  const utilization = target?.averageUtilization;
  if (typeof utilization === 'number' && utilization < 1) {
    errors.push(invalidValue(`${field}.averageUtilization`, utilization, 'must be greater than 0'));
  }
  return errors;
}

function validateMetric(metric: Obj, field: string): FieldError[] {
  const errors: FieldError[] = [];
  const type = metric.type;
  if (typeof type !== 'string' || type === '')
    errors.push(required(`${field}.type`, 'must specify a metric source type'));
  const expected = typeof type === 'string' ? TARGET_FIELD[type] : undefined;
  if (!expected) {
    errors.push(notSupported(`${field}.type`, type ?? '', METRIC_TYPES));
    return errors;
  }
  const source = metric[expected] as Obj | undefined;
  if (!source) errors.push(required(`${field}.${expected}`, 'must populate information for the given metric source'));
  for (const other of Object.values(TARGET_FIELD)) {
    if (other !== expected && metric[other] !== undefined) {
      errors.push({
        type: 'FieldValueForbidden',
        field: `${field}.${other}`,
        detail: 'must populate the given metric source only',
      });
    }
  }
  if (source && (expected === 'resource' || expected === 'containerResource')) {
    if (typeof source.name !== 'string' || source.name === '') {
      errors.push(required(`${field}.${expected}.name`, 'must specify a resource name'));
    }
    const target = source.target as Obj | undefined;
    errors.push(...validateTarget(target, `${field}.${expected}.target`));
    if (target?.averageUtilization === undefined && target?.averageValue === undefined) {
      errors.push(
        required(
          `${field}.${expected}.target.averageUtilization`,
          'must set either a target raw value or a target utilization',
        ),
      );
    }
    if (target?.averageUtilization !== undefined && target?.averageValue !== undefined) {
      errors.push({
        type: 'FieldValueForbidden',
        field: `${field}.${expected}.target.averageValue`,
        detail: 'may not set both a target raw value and a target utilization',
      });
    }
  }
  return errors;
}

function validateRules(rules: Obj | undefined, field: string): FieldError[] {
  if (!rules) return [];
  const errors: FieldError[] = [];
  const window = rules.stabilizationWindowSeconds;
  if (typeof window === 'number' && window < 0) {
    errors.push(invalidValue(`${field}.stabilizationWindowSeconds`, window, 'must be greater than or equal to zero'));
  }
  if (typeof window === 'number' && window > MAX_STABILIZATION_WINDOW_SECONDS) {
    errors.push(
      invalidValue(
        `${field}.stabilizationWindowSeconds`,
        window,
        `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`,
      ),
    );
  }
  if (rules.selectPolicy !== undefined && !SELECT_POLICIES.includes(String(rules.selectPolicy))) {
    errors.push(notSupported(`${field}.selectPolicy`, rules.selectPolicy, SELECT_POLICIES));
  }
  const policies = Array.isArray(rules.policies) ? (rules.policies as Obj[]) : [];
  if (policies.length === 0) errors.push(required(`${field}.policies`, 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const at = `${field}.policies[${i}]`;
    if (!POLICY_TYPES.includes(String(p.type))) errors.push(notSupported(`${at}.type`, p.type ?? '', POLICY_TYPES));
    if (typeof p.value !== 'number' || p.value <= 0)
      errors.push(invalidValue(`${at}.value`, p.value ?? 0, 'must be greater than zero'));
    const period = typeof p.periodSeconds === 'number' ? p.periodSeconds : 0;
    if (period <= 0) errors.push(invalidValue(`${at}.periodSeconds`, period, 'must be greater than zero'));
    if (period > MAX_PERIOD_SECONDS) {
      errors.push(invalidValue(`${at}.periodSeconds`, period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
    }
  });
  return errors;
}

export function validateHorizontalPodAutoscaler(o: Obj): FieldError[] {
  const spec = (o.spec ?? {}) as Obj;
  const errors: FieldError[] = [];
  const min = spec.minReplicas;
  const max = typeof spec.maxReplicas === 'number' ? spec.maxReplicas : 0;
  if (typeof min === 'number' && min < 1) {
    errors.push(invalidValue('spec.minReplicas', min, 'must be greater than or equal to 1'));
  }
  if (max < 1) errors.push(invalidValue('spec.maxReplicas', max, 'must be greater than 0'));
  if (typeof min === 'number' && max < min) {
    errors.push(invalidValue('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  }
  errors.push(...validateReference(spec.scaleTargetRef as Obj | undefined, 'spec.scaleTargetRef'));
  const metrics = Array.isArray(spec.metrics) ? (spec.metrics as Obj[]) : [];
  metrics.forEach((m, i) => {
    errors.push(...validateMetric(m, `spec.metrics[${i}]`));
  });
  const behavior = spec.behavior as Obj | undefined;
  errors.push(...validateRules(behavior?.scaleUp as Obj | undefined, 'spec.behavior.scaleUp'));
  errors.push(...validateRules(behavior?.scaleDown as Obj | undefined, 'spec.behavior.scaleDown'));
  return errors;
}
