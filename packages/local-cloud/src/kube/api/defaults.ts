// Defaulting as the API server does it before storing, so that stored objects (and the
// pod-template hash computed from them) look as on a real cluster.
type Obj = Record<string, unknown>;

function rec(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Obj;
  const created: Obj = {};
  parent[key] = created;
  return created;
}

function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

function defaultProbe(probe: unknown): void {
  if (typeof probe !== 'object' || probe === null) return;
  const p = probe as Obj;
  setDefault(p, 'timeoutSeconds', 1);
  setDefault(p, 'periodSeconds', 10);
  setDefault(p, 'successThreshold', 1);
  setDefault(p, 'failureThreshold', 3);
  const http = p.httpGet;
  if (typeof http === 'object' && http !== null) {
    setDefault(http as Obj, 'path', '/');
    setDefault(http as Obj, 'scheme', 'HTTP');
  }
}

function imageHasTag(image: string): boolean {
  if (image.includes('@')) return true;
  const lastSlash = image.lastIndexOf('/');
  const tail = image.slice(lastSlash + 1);
  return tail.includes(':') && !tail.endsWith(':latest');
}

function defaultContainer(c: unknown): void {
  if (typeof c !== 'object' || c === null) return;
  const container = c as Obj;
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  if (typeof container.image === 'string') {
    setDefault(container, 'imagePullPolicy', imageHasTag(container.image) ? 'IfNotPresent' : 'Always');
  }
  setDefault(container, 'resources', {});
  for (const port of (container.ports as unknown[] | undefined) ?? []) {
    if (typeof port === 'object' && port !== null) setDefault(port as Obj, 'protocol', 'TCP');
  }
  for (const key of ['readinessProbe', 'livenessProbe', 'startupProbe']) defaultProbe(container[key]);
}

export function defaultPodSpec(spec: Obj): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const c of (spec.containers as unknown[] | undefined) ?? []) defaultContainer(c);
  for (const c of (spec.initContainers as unknown[] | undefined) ?? []) defaultContainer(c);
}

function defaultTemplate(spec: Obj): void {
  const template = rec(spec, 'template');
  const meta = rec(template, 'metadata');
  void meta;
  defaultPodSpec(rec(template, 'spec'));
}

export function defaultDeployment(o: Obj): void {
  const spec = rec(o, 'spec');
  setDefault(spec, 'replicas', 1);
  const strategy = rec(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = rec(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', '25%');
    setDefault(ru, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultTemplate(spec);
}

export function defaultReplicaSet(o: Obj): void {
  const spec = rec(o, 'spec');
  setDefault(spec, 'replicas', 1);
  defaultTemplate(spec);
}

export function defaultPod(o: Obj): void {
  defaultPodSpec(rec(o, 'spec'));
}

export function defaultService(o: Obj, allocateIp: () => string): void {
  const spec = rec(o, 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.type !== 'ExternalName') {
    setDefault(spec, 'clusterIP', allocateIp());
    setDefault(spec, 'clusterIPs', [spec.clusterIP]);
    setDefault(spec, 'ipFamilies', ['IPv4']);
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  }
  for (const port of (spec.ports as unknown[] | undefined) ?? []) {
    if (typeof port !== 'object' || port === null) continue;
    const p = port as Obj;
    setDefault(p, 'protocol', 'TCP');
    setDefault(p, 'targetPort', p.port);
  }
  setDefault(o, 'status', { loadBalancer: {} });
}

export function defaultSecret(o: Obj): void {
  setDefault(o, 'type', 'Opaque');
  const stringData = o.stringData;
  if (typeof stringData === 'object' && stringData !== null) {
    const data = rec(o, 'data');
    for (const [k, v] of Object.entries(stringData as Obj)) data[k] = Buffer.from(String(v)).toString('base64');
    delete o.stringData;
  }
}

export function defaultNamespace(o: Obj): void {
  const spec = rec(o, 'spec');
  setDefault(spec, 'finalizers', ['kubernetes']);
  setDefault(o, 'status', { phase: 'Active' });
  const meta = rec(o, 'metadata');
  const labels = rec(meta, 'labels');
  if (typeof meta.name === 'string') labels['kubernetes.io/metadata.name'] = meta.name;
}
