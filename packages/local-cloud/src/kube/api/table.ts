// Server-side printing: the `Table` kubectl asks for (`Accept: application/json;as=Table;...`),
// with the columns the API server prints for each kind.
import type { ResourceDef } from './resources.ts';
import { type LabelSelectorSpec, selectorString } from './selectors.ts';
import { metaOf, type Obj } from './store.ts';

type Cell = string | number;
interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
  cell: (o: Obj, now: Date) => Cell;
}

export function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && /as=Table/.test(accept);
}

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 192) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  return `${Math.floor(hours / 24 / 365)}y`;
}

const since = (t: unknown, now: Date): string =>
  typeof t === 'string' && t !== '' ? humanDuration(now.getTime() - Date.parse(t)) : '<unknown>';

const name: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
  cell: (o) => metaOf(o).name,
};
const age: Column = {
  name: 'Age',
  type: 'string',
  format: '',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: (o, now) => since(metaOf(o).creationTimestamp, now),
};
const col = (n: string, cell: Column['cell'], priority = 0, type = 'string'): Column => ({
  name: n,
  type,
  format: '',
  description: n,
  priority,
  cell,
});

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string };
    running?: unknown;
    terminated?: { reason?: string; exitCode?: number; signal?: number };
  };
  lastState?: { terminated?: { finishedAt?: string } };
}

function podStatusText(o: Obj): string {
  const status = (o.status ?? {}) as {
    phase?: string;
    reason?: string;
    containerStatuses?: ContainerStatus[];
    conditions?: { type: string; status: string }[];
  };
  let reason = status.reason ?? status.phase ?? 'Unknown';
  let hasRunning = false;
  for (const c of [...(status.containerStatuses ?? [])].reverse()) {
    const st = c.state ?? {};
    if (st.waiting?.reason) reason = st.waiting.reason;
    else if (st.terminated?.reason) reason = st.terminated.reason;
    else if (st.terminated)
      reason = st.terminated.signal ? `Signal:${st.terminated.signal}` : `ExitCode:${st.terminated.exitCode ?? 0}`;
    else if (st.running && c.ready) hasRunning = true;
  }
  if (reason === 'Completed' && hasRunning) {
    const ready = status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    reason = ready ? 'Running' : 'NotReady';
  }
  if (metaOf(o).deletionTimestamp) reason = 'Terminating';
  return reason;
}

function restarts(o: Obj, now: Date): string {
  const statuses = ((o.status ?? {}) as { containerStatuses?: ContainerStatus[] }).containerStatuses ?? [];
  const total = statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0);
  const last = statuses
    .map((c) => c.lastState?.terminated?.finishedAt)
    .filter((t): t is string => typeof t === 'string')
    .sort()
    .pop();
  return last && total > 0 ? `${total} (${since(last, now)} ago)` : String(total);
}

function containersOf(o: Obj): { name: string; image: string }[] {
  const spec = o.spec as { template?: { spec?: { containers?: { name: string; image: string }[] } } } | undefined;
  return spec?.template?.spec?.containers ?? [];
}

const num =
  (path: (o: Obj) => unknown) =>
  (o: Obj): number => {
    const v = path(o);
    return typeof v === 'number' ? v : 0;
  };
const status = (o: Obj) => (o.status ?? {}) as Record<string, unknown>;
const spec = (o: Obj) => (o.spec ?? {}) as Record<string, unknown>;

/** The wide columns Deployments and ReplicaSets share (`kubectl get -o wide`). */
const podTemplateColumns: Column[] = [
  col(
    'Containers',
    (o) =>
      containersOf(o)
        .map((c) => c.name)
        .join(','),
    1,
  ),
  col(
    'Images',
    (o) =>
      containersOf(o)
        .map((c) => c.image)
        .join(','),
    1,
  ),
  col('Selector', (o) => selectorString(spec(o).selector as LabelSelectorSpec), 1),
];

const COLUMNS: Record<string, Column[]> = {
  pods: [
    name,
    col('Ready', (o) => {
      const statuses = (status(o).containerStatuses as ContainerStatus[] | undefined) ?? [];
      const total = ((spec(o).containers as unknown[] | undefined) ?? []).length;
      return `${statuses.filter((c) => c.ready).length}/${total}`;
    }),
    col('Status', podStatusText),
    col('Restarts', restarts),
    age,
    col('IP', (o) => String(status(o).podIP ?? '<none>'), 1),
    col('Node', (o) => String(spec(o).nodeName ?? '<none>'), 1),
    col('Nominated Node', () => '<none>', 1),
    col('Readiness Gates', () => '<none>', 1),
  ],
  deployments: [
    name,
    col('Ready', (o) => `${num((x) => status(x).readyReplicas)(o)}/${num((x) => spec(x).replicas)(o)}`),
    col(
      'Up-to-date',
      num((o) => status(o).updatedReplicas),
      0,
      'integer',
    ),
    col(
      'Available',
      num((o) => status(o).availableReplicas),
      0,
      'integer',
    ),
    age,
    ...podTemplateColumns,
  ],
  replicasets: [
    name,
    col(
      'Desired',
      num((o) => spec(o).replicas),
      0,
      'integer',
    ),
    col(
      'Current',
      num((o) => status(o).replicas),
      0,
      'integer',
    ),
    col(
      'Ready',
      num((o) => status(o).readyReplicas),
      0,
      'integer',
    ),
    age,
    ...podTemplateColumns,
  ],
  services: [
    name,
    col('Type', (o) => String(spec(o).type ?? 'ClusterIP')),
    col('Cluster-IP', (o) => String(spec(o).clusterIP ?? '<none>')),
    col('External-IP', () => '<none>'),
    col(
      'Port(s)',
      (o) =>
        ((spec(o).ports as { port: number; protocol?: string }[] | undefined) ?? [])
          .map((p) => `${p.port}/${p.protocol ?? 'TCP'}`)
          .join(',') || '<none>',
    ),
    age,
    col(
      'Selector',
      (o) =>
        Object.entries((spec(o).selector as Record<string, string> | undefined) ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
      1,
    ),
  ],
  configmaps: [
    name,
    col(
      'Data',
      (o) => Object.keys({ ...((o.data as object) ?? {}), ...((o.binaryData as object) ?? {}) }).length,
      0,
      'integer',
    ),
    age,
  ],
  secrets: [
    name,
    col('Type', (o) => String(o.type ?? '')),
    col('Data', (o) => Object.keys((o.data as object) ?? {}).length, 0, 'integer'),
    age,
  ],
  namespaces: [name, col('Status', (o) => String(status(o).phase ?? 'Active')), age],
  events: [
    col('Last Seen', (o, now) => since(o.lastTimestamp ?? o.eventTime ?? metaOf(o).creationTimestamp, now)),
    col('Type', (o) => String(o.type ?? '')),
    col('Reason', (o) => String(o.reason ?? '')),
    col('Object', (o) => {
      const ref = (o.involvedObject ?? {}) as { kind?: string; name?: string };
      return `${String(ref.kind ?? '').toLowerCase()}/${ref.name ?? ''}`;
    }),
    col('Message', (o) => String(o.message ?? '')),
  ],
  rolebindings: [
    name,
    col('Role', (o) => `${(o.roleRef as { kind: string; name: string }).kind}/${(o.roleRef as { name: string }).name}`),
    age,
  ],
  clusterrolebindings: [
    name,
    col('Role', (o) => `${(o.roleRef as { kind: string; name: string }).kind}/${(o.roleRef as { name: string }).name}`),
    age,
  ],
};

export function toTable(def: ResourceDef, objects: Obj[], resourceVersion: string, now: Date): unknown {
  const columns = COLUMNS[def.resource] ?? [
    name,
    { ...age, name: 'Created At', format: 'date', cell: (o: Obj) => metaOf(o).creationTimestamp },
  ];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map(({ cell: _c, ...c }) => c),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o, now)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
