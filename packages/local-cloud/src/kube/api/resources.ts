// The resources this API server serves: discovery facts, schema, defaulting and validation.
import {
  defaultDeployment,
  defaultNamespace,
  defaultPod,
  defaultReplicaSet,
  defaultSecret,
  defaultService,
} from './defaults.ts';
import { defaultHorizontalPodAutoscaler, validateHorizontalPodAutoscaler } from './horizontal-pod-autoscaler.ts';
import {
  clusterRoleSchema,
  configMapSchema,
  deploymentSchema,
  eventSchema,
  horizontalPodAutoscalerSchema,
  namespaceSchema,
  podSchema,
  replicaSetSchema,
  roleBindingSchema,
  roleSchema,
  type Schema,
  secretSchema,
  selfSubjectAccessReviewSchema,
  selfSubjectReviewSchema,
  selfSubjectRulesReviewSchema,
  serviceSchema,
} from './schema.ts';
import type { FieldError } from './status.ts';
import {
  type NameRule,
  validateConfigData,
  validateDeployment,
  validatePod,
  validateReplicaSet,
  validateRole,
  validateRoleBinding,
  validateService,
} from './validate.ts';

type Obj = Record<string, unknown>;

export interface ResourceContext {
  allocateClusterIp(): string;
}

export interface ResourceDef {
  group: string;
  version: string;
  /** plural, lower case: `deployments` */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** subresources served (`status`, `scale`, `log`) */
  subresources: string[];
  schema: Schema;
  nameRule: NameRule;
  /** spec changes bump metadata.generation */
  generation: boolean;
  /** a `status` subresource exists: writes to the main resource keep the stored status */
  statusSubresource: boolean;
  defaults?: (o: Obj, ctx: ResourceContext) => void;
  validate?: (o: Obj, old: Obj | undefined) => FieldError[];
  /** only `create` is served (reviews) and nothing is stored */
  virtual?: boolean;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function def(
  partial: Omit<
    ResourceDef,
    'verbs' | 'categories' | 'shortNames' | 'subresources' | 'generation' | 'statusSubresource' | 'nameRule'
  > &
    Partial<ResourceDef>,
): ResourceDef {
  return {
    verbs: ALL_VERBS,
    categories: [],
    shortNames: [],
    subresources: [],
    generation: false,
    statusSubresource: false,
    nameRule: 'subdomain',
    ...partial,
  };
}

export const RESOURCES: readonly ResourceDef[] = [
  def({
    group: '',
    version: 'v1',
    resource: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status'],
    statusSubresource: true,
    schema: namespaceSchema,
    nameRule: 'label',
    defaults: (o) => defaultNamespace(o),
  }),
  def({
    group: '',
    version: 'v1',
    resource: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'log'],
    statusSubresource: true,
    schema: podSchema,
    defaults: (o) => defaultPod(o),
    validate: validatePod,
  }),
  def({
    group: '',
    version: 'v1',
    resource: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status'],
    statusSubresource: true,
    schema: serviceSchema,
    nameRule: 'dns1035',
    defaults: (o, ctx) => defaultService(o, () => ctx.allocateClusterIp()),
    validate: (o) => validateService(o),
  }),
  def({
    group: '',
    version: 'v1',
    resource: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
    schema: configMapSchema,
    validate: (o, old) => validateConfigData(o, 'ConfigMap', old),
  }),
  def({
    group: '',
    version: 'v1',
    resource: 'secrets',
    singular: 'secret',
    kind: 'Secret',
    namespaced: true,
    schema: secretSchema,
    defaults: (o) => defaultSecret(o),
    validate: (o, old) => validateConfigData(o, 'Secret', old),
  }),
  def({
    group: '',
    version: 'v1',
    resource: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    schema: eventSchema,
  }),
  def({
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    generation: true,
    statusSubresource: true,
    schema: deploymentSchema,
    defaults: (o) => defaultDeployment(o),
    validate: validateDeployment,
  }),
  def({
    group: 'apps',
    version: 'v1',
    resource: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    generation: true,
    statusSubresource: true,
    schema: replicaSetSchema,
    defaults: (o) => defaultReplicaSet(o),
    validate: validateReplicaSet,
  }),
  def({
    group: 'autoscaling',
    version: 'v2',
    resource: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: ['status'],
    generation: true,
    statusSubresource: true,
    schema: horizontalPodAutoscalerSchema,
    defaults: (o) => defaultHorizontalPodAutoscaler(o),
    validate: (o) => validateHorizontalPodAutoscaler(o),
  }),
  def({
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'roles',
    singular: 'role',
    kind: 'Role',
    namespaced: true,
    schema: roleSchema,
    nameRule: 'path',
    validate: (o) => validateRole(o),
  }),
  def({
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'rolebindings',
    singular: 'rolebinding',
    kind: 'RoleBinding',
    namespaced: true,
    schema: roleBindingSchema,
    nameRule: 'path',
    validate: (o, old) => validateRoleBinding(o, old, true),
  }),
  def({
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterroles',
    singular: 'clusterrole',
    kind: 'ClusterRole',
    namespaced: false,
    schema: clusterRoleSchema,
    nameRule: 'path',
    validate: (o) => validateRole(o),
  }),
  def({
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterrolebindings',
    singular: 'clusterrolebinding',
    kind: 'ClusterRoleBinding',
    namespaced: false,
    schema: roleBindingSchema,
    nameRule: 'path',
    validate: (o, old) => validateRoleBinding(o, old, false),
  }),
  def({
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'selfsubjectaccessreviews',
    singular: 'selfsubjectaccessreview',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
    schema: selfSubjectAccessReviewSchema,
    virtual: true,
  }),
  def({
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'selfsubjectrulesreviews',
    singular: 'selfsubjectrulesreview',
    kind: 'SelfSubjectRulesReview',
    namespaced: false,
    verbs: ['create'],
    schema: selfSubjectRulesReviewSchema,
    virtual: true,
  }),
  def({
    group: 'authentication.k8s.io',
    version: 'v1',
    resource: 'selfsubjectreviews',
    singular: 'selfsubjectreview',
    kind: 'SelfSubjectReview',
    namespaced: false,
    verbs: ['create'],
    schema: selfSubjectReviewSchema,
    virtual: true,
  }),
];

export function apiVersionOf(def: ResourceDef): string {
  return def.group === '' ? def.version : `${def.group}/${def.version}`;
}

export function findResource(group: string, version: string, resource: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

export function resourceForKind(apiVersion: string, kind: string): ResourceDef | undefined {
  return RESOURCES.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}

export const GROUPS: readonly { name: string; version: string }[] = [
  { name: 'apps', version: 'v1' },
  { name: 'autoscaling', version: 'v2' },
  { name: 'rbac.authorization.k8s.io', version: 'v1' },
  { name: 'authorization.k8s.io', version: 'v1' },
  { name: 'authentication.k8s.io', version: 'v1' },
];
