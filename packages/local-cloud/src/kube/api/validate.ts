// Semantic validation, worded as the API server words it (field path, "Required value",
// "Invalid value: <value>: <why>"). Type and unknown-field checks happen earlier, in schema.ts.
import { type LabelSelectorSpec, matchesRequirements, selectorRequirements } from './selectors.ts';
import type { FieldError } from './status.ts';

type Obj = Record<string, unknown>;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
export const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_LABEL_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path';

/** Go's %#v-like rendering of a value in an "Invalid value" message. */
export function render(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Obj).map(([k, v]) => `${JSON.stringify(k)}:${render(v)}`);
    return `map[string]string{${entries.join(', ')}}`;
  }
  return JSON.stringify(value);
}

export function required(field: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field, detail };
}
export function invalidValue(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, detail, value: render(value) };
}
export function notSupported(field: string, value: unknown, supported: string[]): FieldError {
  return {
    type: 'FieldValueNotSupported',
    field,
    detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
    value: render(value),
  };
}

export function validateName(name: string, rule: NameRule, field = 'metadata.name'): FieldError[] {
  const errors: FieldError[] = [];
  const max = rule === 'subdomain' || rule === 'path' ? 253 : 63;
  if (name.length > max) {
    errors.push(invalidValue(field, name, `must be no more than ${max} characters`));
  }
  if (rule === 'subdomain' && !DNS1123_SUBDOMAIN.test(name))
    errors.push(invalidValue(field, name, DNS1123_SUBDOMAIN_MSG));
  if (rule === 'label' && !DNS1123_LABEL.test(name)) errors.push(invalidValue(field, name, DNS1123_LABEL_MSG));
  if (rule === 'dns1035' && !DNS1035_LABEL.test(name)) errors.push(invalidValue(field, name, DNS1035_LABEL_MSG));
  if (rule === 'path' && (name === '.' || name === '..' || /[/%]/.test(name))) {
    errors.push(invalidValue(field, name, `may not contain '/' or '%'`));
  }
  return errors;
}

function validateLabelKey(key: string, field: string): FieldError[] {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if ((slash >= 0 && !DNS1123_SUBDOMAIN.test(prefix)) || !QUALIFIED_NAME.test(name) || name.length > 63) {
    return [
      invalidValue(
        field,
        key,
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ),
    ];
  }
  return [];
}

export function validateMeta(meta: Obj, rule: NameRule, namespaced: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const name = meta.name;
  if (typeof name !== 'string' || name === '') {
    errors.push(required('metadata.name', 'name or generateName is required'));
  } else {
    errors.push(...validateName(name, rule));
  }
  if (namespaced && (typeof meta.namespace !== 'string' || meta.namespace === '')) {
    errors.push(required('metadata.namespace'));
  }
  for (const [key, value] of Object.entries((meta.labels as Obj | undefined) ?? {})) {
    errors.push(...validateLabelKey(key, 'metadata.labels'));
    if (typeof value === 'string' && (!LABEL_VALUE.test(value) || value.length > 63)) {
      errors.push(
        invalidValue(
          'metadata.labels',
          value,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
      );
    }
  }
  for (const key of Object.keys((meta.annotations as Obj | undefined) ?? {})) {
    errors.push(...validateLabelKey(key, 'metadata.annotations'));
  }
  return errors;
}

function validateProbe(probe: unknown, field: string): FieldError[] {
  if (typeof probe !== 'object' || probe === null) return [];
  const p = probe as Obj;
  const errors: FieldError[] = [];
  const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter((h) => p[h] !== undefined);
  if (handlers.length === 0) errors.push(required(field, 'must specify a handler type'));
  if (handlers.length > 1)
    errors.push({ type: 'FieldValueForbidden', field, detail: 'may not specify more than 1 handler type' });
  for (const key of ['periodSeconds', 'successThreshold', 'failureThreshold', 'timeoutSeconds']) {
    const v = p[key];
    if (typeof v === 'number' && v < 1)
      errors.push(invalidValue(`${field}.${key}`, v, 'must be greater than or equal to 1'));
  }
  if (
    field.endsWith('readinessProbe') === false &&
    typeof p.successThreshold === 'number' &&
    p.successThreshold !== 1
  ) {
    errors.push(invalidValue(`${field}.successThreshold`, p.successThreshold, 'must be 1'));
  }
  const http = p.httpGet as Obj | undefined;
  if (http && (http.port === undefined || http.port === '' || http.port === 0)) {
    errors.push(required(`${field}.httpGet.port`));
  }
  return errors;
}

function validateContainers(list: unknown, field: string, requireOne: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const containers = Array.isArray(list) ? (list as Obj[]) : [];
  if (requireOne && containers.length === 0) errors.push(required(field));
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const at = `${field}[${i}]`;
    const name = c.name;
    if (typeof name !== 'string' || name === '') errors.push(required(`${at}.name`));
    else {
      errors.push(...validateName(name, 'label', `${at}.name`));
      if (names.has(name))
        errors.push({ type: 'FieldValueDuplicate', field: `${at}.name`, detail: '', value: render(name) });
      names.add(name);
    }
    if (typeof c.image !== 'string' || c.image.trim() === '') errors.push(required(`${at}.image`));
    const ports = Array.isArray(c.ports) ? (c.ports as Obj[]) : [];
    ports.forEach((p, j) => {
      const port = p.containerPort;
      if (port === undefined) errors.push(required(`${at}.ports[${j}].containerPort`));
      else if (typeof port === 'number' && (port < 1 || port > 65535)) {
        errors.push(invalidValue(`${at}.ports[${j}].containerPort`, port, 'must be between 1 and 65535, inclusive'));
      }
      if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(String(p.protocol))) {
        errors.push(notSupported(`${at}.ports[${j}].protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
      }
    });
    const env = Array.isArray(c.env) ? (c.env as Obj[]) : [];
    env.forEach((e, j) => {
      if (typeof e.name !== 'string' || e.name === '') errors.push(required(`${at}.env[${j}].name`));
      if (e.value !== undefined && e.valueFrom !== undefined) {
        errors.push(invalidValue(`${at}.env[${j}].valueFrom`, '', 'may not be specified when `value` is not empty'));
      }
    });
    if (c.imagePullPolicy !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(String(c.imagePullPolicy))) {
      errors.push(notSupported(`${at}.imagePullPolicy`, c.imagePullPolicy, ['Always', 'IfNotPresent', 'Never']));
    }
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      errors.push(...validateProbe(c[probe], `${at}.${probe}`));
    }
  });
  return errors;
}

export function validatePodSpec(spec: unknown, field: string): FieldError[] {
  if (typeof spec !== 'object' || spec === null) return [required(`${field}.containers`)];
  const s = spec as Obj;
  const errors = validateContainers(s.containers, `${field}.containers`, true);
  errors.push(...validateContainers(s.initContainers, `${field}.initContainers`, false));
  if (s.restartPolicy !== undefined && !['Always', 'OnFailure', 'Never'].includes(String(s.restartPolicy))) {
    errors.push(notSupported(`${field}.restartPolicy`, s.restartPolicy, ['Always', 'OnFailure', 'Never']));
  }
  return errors;
}

function nonNegative(value: unknown, field: string): FieldError[] {
  return typeof value === 'number' && value < 0
    ? [invalidValue(field, value, 'must be greater than or equal to 0')]
    : [];
}

function intOrPercent(value: unknown, field: string): FieldError[] {
  if (value === undefined) return [];
  if (typeof value === 'number') return nonNegative(value, field);
  if (typeof value === 'string' && /^\d+%$/.test(value)) {
    return Number.parseInt(value, 10) > 100 ? [invalidValue(field, value, 'must not be greater than 100%')] : [];
  }
  return [
    invalidValue(
      field,
      value,
      "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    ),
  ];
}

function isZero(v: unknown): boolean {
  return v === 0 || v === '0%';
}

function validateSelectorAndTemplate(spec: Obj, forDeployment: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const selector = spec.selector as LabelSelectorSpec | undefined;
  const requirements = selectorRequirements(selector);
  if (!selector) errors.push(required('spec.selector'));
  else if (requirements.length === 0) {
    errors.push(
      invalidValue(
        'spec.selector',
        selector,
        `empty selector is invalid for ${forDeployment ? 'deployment' : 'replicaset'}`,
      ),
    );
  }
  const template = spec.template as Obj | undefined;
  const labels = (template?.metadata as Obj | undefined)?.labels as Record<string, string> | undefined;
  if (selector && requirements.length > 0 && !matchesRequirements(labels, requirements)) {
    errors.push(
      invalidValue('spec.template.metadata.labels', labels ?? {}, '`selector` does not match template `labels`'),
    );
  }
  errors.push(...validatePodSpec(template?.spec, 'spec.template.spec'));
  const restart = (template?.spec as Obj | undefined)?.restartPolicy;
  if (restart !== undefined && restart !== 'Always') {
    errors.push(notSupported('spec.template.spec.restartPolicy', restart, ['Always']));
  }
  errors.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errors.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  return errors;
}

export function validateDeployment(o: Obj, old: Obj | undefined): FieldError[] {
  const spec = (o.spec as Obj | undefined) ?? {};
  const errors = validateSelectorAndTemplate(spec, true);
  const strategy = (spec.strategy as Obj | undefined) ?? {};
  if (strategy.type !== undefined && !['RollingUpdate', 'Recreate'].includes(String(strategy.type))) {
    errors.push(notSupported('spec.strategy.type', strategy.type, ['Recreate', 'RollingUpdate']));
  }
  const ru = strategy.rollingUpdate as Obj | undefined;
  if (strategy.type === 'Recreate' && ru !== undefined) {
    errors.push({
      type: 'FieldValueForbidden',
      field: 'spec.strategy.rollingUpdate',
      detail: "may not be specified when strategy `type` is 'Recreate'",
    });
  }
  if (ru) {
    errors.push(...intOrPercent(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable'));
    errors.push(...intOrPercent(ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge'));
    if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge)) {
      errors.push(
        invalidValue(
          'spec.strategy.rollingUpdate.maxUnavailable',
          ru.maxUnavailable,
          'may not be 0 when `maxSurge` is 0',
        ),
      );
    }
  }
  errors.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const deadline = spec.progressDeadlineSeconds;
  if (typeof deadline === 'number') {
    errors.push(...nonNegative(deadline, 'spec.progressDeadlineSeconds'));
    if (typeof spec.minReadySeconds === 'number' && deadline <= spec.minReadySeconds) {
      errors.push(invalidValue('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
    }
  }
  if (old) errors.push(...immutableSelector(spec, old));
  return errors;
}

function immutableSelector(spec: Obj, old: Obj): FieldError[] {
  const before = (old.spec as Obj | undefined)?.selector;
  if (JSON.stringify(before) !== JSON.stringify(spec.selector)) {
    return [invalidValue('spec.selector', spec.selector, 'field is immutable')];
  }
  return [];
}

export function validateReplicaSet(o: Obj, old: Obj | undefined): FieldError[] {
  const spec = (o.spec as Obj | undefined) ?? {};
  const errors = validateSelectorAndTemplate(spec, false);
  if (old) errors.push(...immutableSelector(spec, old));
  return errors;
}

export function validatePod(o: Obj, old: Obj | undefined): FieldError[] {
  const errors = validatePodSpec(o.spec, 'spec');
  if (old) {
    const before = structuredClone((old.spec as Obj | undefined) ?? {});
    const after = structuredClone((o.spec as Obj | undefined) ?? {});
    // Only images (and a few scheduling fields) may change on a pod.
    for (const s of [before, after]) {
      for (const c of (s.containers as Obj[] | undefined) ?? []) delete c.image;
      delete s.activeDeadlineSeconds;
      delete s.nodeName;
      delete s.tolerations;
    }
    if (
      (old.spec as Obj | undefined)?.nodeName &&
      (o.spec as Obj | undefined)?.nodeName !== (old.spec as Obj).nodeName
    ) {
      errors.push({ type: 'FieldValueForbidden', field: 'spec.nodeName', detail: 'field is immutable' });
    }
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      errors.push({
        type: 'FieldValueForbidden',
        field: 'spec',
        detail:
          'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      });
    }
  }
  return errors;
}

export function validateService(o: Obj): FieldError[] {
  const spec = (o.spec as Obj | undefined) ?? {};
  const errors: FieldError[] = [];
  const type = spec.type ?? 'ClusterIP';
  if (!['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(String(type))) {
    errors.push(notSupported('spec.type', type, ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']));
  }
  const ports = Array.isArray(spec.ports) ? (spec.ports as Obj[]) : [];
  if (type !== 'ExternalName' && spec.clusterIP !== 'None' && ports.length === 0) errors.push(required('spec.ports'));
  ports.forEach((p, i) => {
    if (typeof p.port !== 'number') errors.push(required(`spec.ports[${i}].port`));
    else if (p.port < 1 || p.port > 65535) {
      errors.push(invalidValue(`spec.ports[${i}].port`, p.port, 'must be between 1 and 65535, inclusive'));
    }
    if (ports.length > 1 && (typeof p.name !== 'string' || p.name === ''))
      errors.push(required(`spec.ports[${i}].name`));
  });
  return errors;
}

export function validateConfigData(o: Obj, kind: 'ConfigMap' | 'Secret', old: Obj | undefined): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of Object.keys({
    ...((o.data as Obj | undefined) ?? {}),
    ...((o.binaryData as Obj | undefined) ?? {}),
  })) {
    if (!CONFIG_KEY.test(key)) {
      errors.push(
        invalidValue(
          `data[${key}]`,
          key,
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
        ),
      );
    }
  }
  if (old?.immutable === true) {
    const same = JSON.stringify(old.data ?? {}) === JSON.stringify(o.data ?? {}) && o.immutable === true;
    if (!same) {
      errors.push({
        type: 'FieldValueForbidden',
        field: 'data',
        detail: `field is immutable when \`immutable\` is set`,
      });
    }
  }
  void kind;
  return errors;
}

export function validateRole(o: Obj): FieldError[] {
  const errors: FieldError[] = [];
  const rules = Array.isArray(o.rules) ? (o.rules as Obj[]) : [];
  rules.forEach((r, i) => {
    if (!Array.isArray(r.verbs) || r.verbs.length === 0) {
      errors.push(required(`rules[${i}].verbs`, 'verbs must contain at least one value'));
    }
    const hasResources = Array.isArray(r.resources) && r.resources.length > 0;
    const hasUrls = Array.isArray(r.nonResourceURLs) && r.nonResourceURLs.length > 0;
    if (hasUrls && o.kind === 'Role') {
      errors.push(
        invalidValue(
          `rules[${i}].nonResourceURLs`,
          r.nonResourceURLs,
          'namespaced rules cannot apply to non-resource URLs',
        ),
      );
    }
    if (!hasResources && !hasUrls) {
      errors.push(required(`rules[${i}].resources`, 'resource rules must supply at least one resource'));
    }
    if (hasResources && (!Array.isArray(r.apiGroups) || r.apiGroups.length === 0)) {
      errors.push(required(`rules[${i}].apiGroups`, 'resource rules must supply at least one api group'));
    }
  });
  return errors;
}

export function validateRoleBinding(o: Obj, old: Obj | undefined, namespaced: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const ref = (o.roleRef as Obj | undefined) ?? {};
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (ref.apiGroup !== 'rbac.authorization.k8s.io') {
    errors.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', ['rbac.authorization.k8s.io']));
  }
  if (!kinds.includes(String(ref.kind))) errors.push(notSupported('roleRef.kind', ref.kind ?? '', kinds));
  if (typeof ref.name !== 'string' || ref.name === '') errors.push(required('roleRef.name'));
  const subjects = Array.isArray(o.subjects) ? (o.subjects as Obj[]) : [];
  subjects.forEach((s, i) => {
    if (!['User', 'Group', 'ServiceAccount'].includes(String(s.kind))) {
      errors.push(notSupported(`subjects[${i}].kind`, s.kind ?? '', ['Group', 'ServiceAccount', 'User']));
    }
    if (typeof s.name !== 'string' || s.name === '') errors.push(required(`subjects[${i}].name`));
  });
  if (old && JSON.stringify(old.roleRef) !== JSON.stringify(o.roleRef)) {
    errors.push(invalidValue('roleRef', o.roleRef, 'cannot change roleRef'));
  }
  return errors;
}
