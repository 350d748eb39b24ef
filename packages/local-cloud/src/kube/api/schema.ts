// A compact schema of the fields the stand-in serves, per kind. One schema drives three things,
// as the API server's OpenAPI does: strict field validation (unknown fields), type checks while
// decoding, and the strategic merge patch (which lists merge by key).

export type Schema =
  | { t: 'string' }
  | { t: 'int' }
  | { t: 'bool' }
  | { t: 'number' }
  | { t: 'intOrString' }
  | { t: 'quantity' }
  /** free-form JSON: nothing below it is checked */
  | { t: 'any' }
  /** `atomic`: replaced whole by server-side apply and owned as one field (x-kubernetes-map-type: atomic) */
  | { t: 'object'; fields: Record<string, Schema>; atomic?: boolean }
  | { t: 'map'; values: Schema }
  | { t: 'array'; items: Schema; mergeKey?: string; mergePrimitives?: boolean };

export const str: Schema = { t: 'string' };
export const int: Schema = { t: 'int' };
export const bool: Schema = { t: 'bool' };
const intOrString: Schema = { t: 'intOrString' };
const quantity: Schema = { t: 'quantity' };
export const any: Schema = { t: 'any' };
export const obj = (fields: Record<string, Schema>): Schema => ({ t: 'object', fields });
export const map = (values: Schema): Schema => ({ t: 'map', values });
export const arr = (items: Schema, mergeKey?: string): Schema =>
  mergeKey ? { t: 'array', items, mergeKey } : { t: 'array', items };
const strings = arr(str);

export const objectMeta = obj({
  name: str,
  generateName: str,
  namespace: str,
  selfLink: str,
  uid: str,
  resourceVersion: str,
  generation: int,
  creationTimestamp: str,
  deletionTimestamp: str,
  deletionGracePeriodSeconds: int,
  labels: map(str),
  annotations: map(str),
  ownerReferences: arr(
    obj({ apiVersion: str, kind: str, name: str, uid: str, controller: bool, blockOwnerDeletion: bool }),
    'uid',
  ),
  finalizers: { t: 'array', items: str, mergePrimitives: true },
  managedFields: arr(any),
});

export const labelSelector: Schema = {
  t: 'object',
  fields: { matchLabels: map(str), matchExpressions: arr(obj({ key: str, operator: str, values: strings })) },
  atomic: true,
};

const keyRef = obj({ name: str, key: str, optional: bool });
const envVar = obj({
  name: str,
  value: str,
  valueFrom: obj({
    fieldRef: obj({ apiVersion: str, fieldPath: str }),
    resourceFieldRef: obj({ containerName: str, resource: str, divisor: quantity }),
    configMapKeyRef: keyRef,
    secretKeyRef: keyRef,
  }),
});
const envFrom = obj({
  prefix: str,
  configMapRef: obj({ name: str, optional: bool }),
  secretRef: obj({ name: str, optional: bool }),
});
const httpGet = obj({
  path: str,
  port: intOrString,
  host: str,
  scheme: str,
  httpHeaders: arr(obj({ name: str, value: str })),
});
const handlerFields = {
  exec: obj({ command: strings }),
  httpGet,
  tcpSocket: obj({ port: intOrString, host: str }),
  grpc: obj({ port: int, service: str }),
};
export const probe = obj({
  ...handlerFields,
  initialDelaySeconds: int,
  timeoutSeconds: int,
  periodSeconds: int,
  successThreshold: int,
  failureThreshold: int,
  terminationGracePeriodSeconds: int,
});
const resources = obj({
  limits: map(quantity),
  requests: map(quantity),
  claims: arr(obj({ name: str, request: str })),
});
export const container = obj({
  name: str,
  image: str,
  command: strings,
  args: strings,
  workingDir: str,
  ports: arr(obj({ name: str, hostPort: int, containerPort: int, protocol: str, hostIP: str }), 'containerPort'),
  envFrom: arr(envFrom),
  env: arr(envVar, 'name'),
  resources,
  resizePolicy: arr(obj({ resourceName: str, restartPolicy: str })),
  restartPolicy: str,
  volumeMounts: arr(
    obj({
      name: str,
      readOnly: bool,
      recursiveReadOnly: str,
      mountPath: str,
      subPath: str,
      mountPropagation: str,
      subPathExpr: str,
    }),
    'mountPath',
  ),
  volumeDevices: arr(obj({ name: str, devicePath: str }), 'devicePath'),
  livenessProbe: probe,
  readinessProbe: probe,
  startupProbe: probe,
  lifecycle: any,
  terminationMessagePath: str,
  terminationMessagePolicy: str,
  imagePullPolicy: str,
  securityContext: any,
  stdin: bool,
  stdinOnce: bool,
  tty: bool,
});
export const podSpec = obj({
  volumes: arr(any, 'name'),
  initContainers: arr(container, 'name'),
  containers: arr(container, 'name'),
  ephemeralContainers: arr(any, 'name'),
  restartPolicy: str,
  terminationGracePeriodSeconds: int,
  activeDeadlineSeconds: int,
  dnsPolicy: str,
  nodeSelector: map(str),
  serviceAccountName: str,
  serviceAccount: str,
  automountServiceAccountToken: bool,
  nodeName: str,
  hostNetwork: bool,
  hostPID: bool,
  hostIPC: bool,
  shareProcessNamespace: bool,
  securityContext: any,
  imagePullSecrets: arr(obj({ name: str }), 'name'),
  hostname: str,
  subdomain: str,
  affinity: any,
  schedulerName: str,
  tolerations: arr(any),
  hostAliases: arr(any, 'ip'),
  priorityClassName: str,
  priority: int,
  dnsConfig: any,
  readinessGates: arr(obj({ conditionType: str })),
  runtimeClassName: str,
  enableServiceLinks: bool,
  preemptionPolicy: str,
  overhead: map(quantity),
  topologySpreadConstraints: arr(any),
  setHostnameAsFQDN: bool,
  os: obj({ name: str }),
  hostUsers: bool,
  schedulingGates: arr(obj({ name: str }), 'name'),
  resourceClaims: arr(any, 'name'),
  resources,
});
export const podTemplate = obj({ metadata: objectMeta, spec: podSpec });

const condition = obj({
  type: str,
  status: str,
  observedGeneration: int,
  lastProbeTime: str,
  lastHeartbeatTime: str,
  lastUpdateTime: str,
  lastTransitionTime: str,
  reason: str,
  message: str,
});
const conditions = arr(condition, 'type');

function topLevel(fields: Record<string, Schema>): Schema {
  return obj({ apiVersion: str, kind: str, metadata: objectMeta, ...fields });
}

export const deploymentSchema = topLevel({
  spec: obj({
    replicas: int,
    selector: labelSelector,
    template: podTemplate,
    strategy: obj({ type: str, rollingUpdate: obj({ maxUnavailable: intOrString, maxSurge: intOrString }) }),
    minReadySeconds: int,
    revisionHistoryLimit: int,
    paused: bool,
    progressDeadlineSeconds: int,
  }),
  status: obj({
    observedGeneration: int,
    replicas: int,
    updatedReplicas: int,
    readyReplicas: int,
    availableReplicas: int,
    unavailableReplicas: int,
    terminatingReplicas: int,
    conditions,
    collisionCount: int,
  }),
});

export const replicaSetSchema = topLevel({
  spec: obj({ replicas: int, minReadySeconds: int, selector: labelSelector, template: podTemplate }),
  status: obj({
    replicas: int,
    fullyLabeledReplicas: int,
    readyReplicas: int,
    availableReplicas: int,
    terminatingReplicas: int,
    observedGeneration: int,
    conditions,
  }),
});

const containerState = obj({
  waiting: obj({ reason: str, message: str }),
  running: obj({ startedAt: str }),
  terminated: obj({
    exitCode: int,
    signal: int,
    reason: str,
    message: str,
    startedAt: str,
    finishedAt: str,
    containerID: str,
  }),
});
const containerStatus = obj({
  name: str,
  state: containerState,
  lastState: containerState,
  ready: bool,
  restartCount: int,
  image: str,
  imageID: str,
  containerID: str,
  started: bool,
  allocatedResources: map(quantity),
  resources: any,
  volumeMounts: arr(any),
  user: any,
  allocatedResourcesStatus: arr(any),
  stopSignal: str,
});

export const podSchema = topLevel({
  spec: podSpec,
  status: obj({
    observedGeneration: int,
    phase: str,
    conditions,
    message: str,
    reason: str,
    nominatedNodeName: str,
    hostIP: str,
    hostIPs: arr(obj({ ip: str })),
    podIP: str,
    podIPs: arr(obj({ ip: str }), 'ip'),
    startTime: str,
    initContainerStatuses: arr(containerStatus),
    containerStatuses: arr(containerStatus),
    qosClass: str,
    ephemeralContainerStatuses: arr(containerStatus),
    resize: str,
    resourceClaimStatuses: arr(any),
  }),
});

export const serviceSchema = topLevel({
  spec: obj({
    ports: arr(
      obj({ name: str, protocol: str, appProtocol: str, port: int, targetPort: intOrString, nodePort: int }),
      'port',
    ),
    selector: map(str),
    clusterIP: str,
    clusterIPs: strings,
    type: str,
    externalIPs: strings,
    sessionAffinity: str,
    loadBalancerIP: str,
    loadBalancerSourceRanges: strings,
    externalName: str,
    externalTrafficPolicy: str,
    healthCheckNodePort: int,
    publishNotReadyAddresses: bool,
    sessionAffinityConfig: any,
    ipFamilies: strings,
    ipFamilyPolicy: str,
    allocateLoadBalancerNodePorts: bool,
    loadBalancerClass: str,
    internalTrafficPolicy: str,
    trafficDistribution: str,
  }),
  status: obj({ loadBalancer: any, conditions }),
});

export const configMapSchema = topLevel({ data: map(str), binaryData: map(str), immutable: bool });
export const secretSchema = topLevel({ data: map(str), stringData: map(str), type: str, immutable: bool });
export const namespaceSchema = topLevel({
  spec: obj({ finalizers: strings }),
  status: obj({ phase: str, conditions }),
});

const objectReference = obj({
  kind: str,
  namespace: str,
  name: str,
  uid: str,
  apiVersion: str,
  resourceVersion: str,
  fieldPath: str,
});
export const eventSchema = topLevel({
  involvedObject: objectReference,
  reason: str,
  message: str,
  source: obj({ component: str, host: str }),
  firstTimestamp: str,
  lastTimestamp: str,
  count: int,
  type: str,
  eventTime: str,
  series: obj({ count: int, lastObservedTime: str }),
  action: str,
  related: objectReference,
  reportingComponent: str,
  reportingInstance: str,
});

const policyRule = obj({
  verbs: strings,
  apiGroups: strings,
  resources: strings,
  resourceNames: strings,
  nonResourceURLs: strings,
});
export const roleSchema = topLevel({ rules: arr(policyRule) });
export const clusterRoleSchema = topLevel({ rules: arr(policyRule), aggregationRule: any });
const subject = obj({ kind: str, apiGroup: str, name: str, namespace: str });
const roleRef = obj({ apiGroup: str, kind: str, name: str });
export const roleBindingSchema = topLevel({ subjects: arr(subject), roleRef });

export const selfSubjectAccessReviewSchema = topLevel({
  spec: obj({
    resourceAttributes: obj({
      namespace: str,
      verb: str,
      group: str,
      version: str,
      resource: str,
      subresource: str,
      name: str,
      fieldSelector: any,
      labelSelector: any,
    }),
    nonResourceAttributes: obj({ path: str, verb: str }),
  }),
  status: obj({ allowed: bool, denied: bool, reason: str, evaluationError: str }),
});

export const selfSubjectReviewSchema = topLevel({ status: any });

export const selfSubjectRulesReviewSchema = topLevel({
  spec: obj({ namespace: str }),
  status: obj({
    resourceRules: arr(obj({ verbs: strings, apiGroups: strings, resources: strings, resourceNames: strings })),
    nonResourceRules: arr(obj({ verbs: strings, nonResourceURLs: strings })),
    incomplete: bool,
    evaluationError: str,
  }),
});

export const scaleSchema = topLevel({
  spec: obj({ replicas: int }),
  status: obj({ replicas: int, selector: str }),
});

const crossVersionObjectReference = obj({ apiVersion: str, kind: str, name: str });
const metricTarget = obj({ type: str, value: quantity, averageValue: quantity, averageUtilization: int });
const metricIdentifier = obj({ name: str, selector: labelSelector });
const metricSpec = obj({
  type: str,
  object: obj({ describedObject: crossVersionObjectReference, target: metricTarget, metric: metricIdentifier }),
  pods: obj({ metric: metricIdentifier, target: metricTarget }),
  resource: obj({ name: str, target: metricTarget }),
  containerResource: obj({ name: str, target: metricTarget, container: str }),
  external: obj({ metric: metricIdentifier, target: metricTarget }),
});
const scalingRules = obj({
  stabilizationWindowSeconds: int,
  selectPolicy: str,
  policies: arr(obj({ type: str, value: int, periodSeconds: int })),
  tolerance: quantity,
});
/** autoscaling/v2 HorizontalPodAutoscaler (metrics and policies are atomic lists, as upstream). */
export const horizontalPodAutoscalerSchema = topLevel({
  spec: obj({
    scaleTargetRef: crossVersionObjectReference,
    minReplicas: int,
    maxReplicas: int,
    metrics: arr(metricSpec),
    behavior: obj({ scaleUp: scalingRules, scaleDown: scalingRules }),
  }),
  status: obj({
    observedGeneration: int,
    lastScaleTime: str,
    currentReplicas: int,
    desiredReplicas: int,
    currentMetrics: arr(any),
    conditions,
  }),
});

export const deleteOptionsSchema = obj({
  kind: str,
  apiVersion: str,
  gracePeriodSeconds: int,
  preconditions: obj({ uid: str, resourceVersion: str }),
  orphanDependents: bool,
  propagationPolicy: str,
  dryRun: strings,
  ignoreStoreReadErrorWithClusterBreakingPotential: bool,
});

// -- checking a decoded document against a schema ------------------------------------------

export interface SchemaProblems {
  /** paths of fields the schema does not declare, as `spec.template.spec.containers[0].foo` */
  unknown: string[];
  /** type mismatches, worded as Go's JSON decoder words them */
  typeErrors: string[];
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

const GO_TYPE: Record<string, string> = {
  string: 'string',
  int: 'int32',
  bool: 'bool',
  number: 'float64',
  object: 'struct',
  map: 'map[string]string',
  array: 'slice',
};

/**
 * Walks `value` with `schema`. With `prune`, unknown fields are removed in place (the API
 * server's non-strict decoding drops them).
 */
export function checkSchema(schema: Schema, value: unknown, prune: boolean, path = ''): SchemaProblems {
  const problems: SchemaProblems = { unknown: [], typeErrors: [] };
  walk(schema, value, path, prune, problems);
  return problems;
}

function typeError(problems: SchemaProblems, value: unknown, schema: Schema, path: string): void {
  const goType = GO_TYPE[schema.t] ?? schema.t;
  const jt = jsonType(value);
  const shown = jt === 'object' ? 'object' : jt === 'array' ? 'array' : jt;
  problems.typeErrors.push(`json: cannot unmarshal ${shown} into Go struct field .${path} of type ${goType}`);
}

function walk(schema: Schema, value: unknown, path: string, prune: boolean, problems: SchemaProblems): void {
  if (value === null || value === undefined) return;
  switch (schema.t) {
    case 'any':
      return;
    case 'string':
      if (typeof value !== 'string') typeError(problems, value, schema, path);
      return;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) typeError(problems, value, schema, path);
      return;
    case 'number':
      if (typeof value !== 'number') typeError(problems, value, schema, path);
      return;
    case 'bool':
      if (typeof value !== 'boolean') typeError(problems, value, schema, path);
      return;
    case 'intOrString':
    case 'quantity':
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
        typeError(problems, value, schema, path);
      }
      return;
    case 'map': {
      if (jsonType(value) !== 'object') {
        typeError(problems, value, schema, path);
        return;
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        walk(schema.values, v, `${path}.${k}`, prune, problems);
      }
      return;
    }
    case 'array': {
      if (!Array.isArray(value)) {
        typeError(problems, value, schema, path);
        return;
      }
      value.forEach((item, i) => {
        walk(schema.items, item, `${path}[${i}]`, prune, problems);
      });
      return;
    }
    case 'object': {
      if (jsonType(value) !== 'object') {
        typeError(problems, value, schema, path);
        return;
      }
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const child = schema.fields[key];
        const childPath = path === '' ? key : `${path}.${key}`;
        if (!child) {
          problems.unknown.push(childPath);
          if (prune) delete record[key];
          continue;
        }
        walk(child, record[key], childPath, prune, problems);
      }
      return;
    }
  }
}

/** The schema below a dotted path of field names (for the strategic merge patch). */
export function childSchema(schema: Schema | undefined, key: string): Schema | undefined {
  if (!schema) return undefined;
  if (schema.t === 'object') return schema.fields[key];
  if (schema.t === 'map') return schema.values;
  return undefined;
}
