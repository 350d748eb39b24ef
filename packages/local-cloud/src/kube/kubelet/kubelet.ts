// The stand-in's one node: binds unscheduled pods to itself (the scheduler's job, trivially),
// runs a PodWorker per pod, terminates pods that are deleted, serves pod logs, and at stop
// removes every container it made (found by the instance label).
import type { ObjectApi } from '../api/object-api.ts';
import { findResource, type ResourceDef } from '../api/resources.ts';
import type { PodLogOptions, PodLogSource } from '../api/server.ts';
import { badRequest, KubeStatusError } from '../api/status.ts';
import { metaOf, type Obj } from '../api/store.ts';
import { EventRecorder } from '../controllers/events.ts';
import type { Pod } from '../controllers/types.ts';
import { WorkQueue } from '../controllers/work-queue.ts';
import type { DockerRuntime } from './docker-runtime.ts';
import { PodWorker } from './pod-worker.ts';

const podsDef = findResource('', 'v1', 'pods') as ResourceDef;

export interface PullCredentials {
  username: string;
  password: string;
}

export interface KubeletOptions {
  api: ObjectApi;
  runtime: DockerRuntime;
  nodeName: string;
  /** label put on every container, for cleanup: key=value */
  instanceLabel: { key: string; value: string };
  /** the node's registry credentials (an ECR authorization token for the node role) */
  pullCredentials?: (registry: string) => Promise<PullCredentials | undefined>;
  /** image pull and crash back-off: first delay and cap (default 10 s and 300 s, as the kubelet) */
  backoff?: { initialMs: number; maxMs: number };
  onError?: (error: unknown) => void;
  fetch?: typeof fetch;
}

export class Kubelet implements PodLogSource {
  readonly #options: KubeletOptions;
  readonly #workers = new Map<string, PodWorker>();
  readonly #queue: WorkQueue;
  readonly #events: EventRecorder;
  readonly #scheduler: EventRecorder;
  readonly #logins = new Map<string, { at: number; done: Promise<void> }>();
  #unsubscribe: (() => void) | undefined;
  #stopped = false;

  constructor(options: KubeletOptions) {
    this.#options = options;
    this.#events = new EventRecorder(options.api, 'kubelet', { host: options.nodeName });
    this.#scheduler = new EventRecorder(options.api, 'default-scheduler');
    this.#queue = new WorkQueue({
      process: (key) => this.#sync(key),
      onError: (_key, error) => options.onError?.(error),
    });
  }

  start(): void {
    this.#unsubscribe = this.#options.api.store.subscribe((e) => {
      if (e.def !== podsDef) return;
      const m = metaOf(e.object);
      this.#queue.add(`${m.namespace}/${m.name}`);
    });
    for (const p of this.#options.api.store.list(podsDef)) this.#queue.add(`${metaOf(p).namespace}/${metaOf(p).name}`);
  }

  /** Logs the node in once per registry (again when a pull was refused). */
  async #login(registry: string, force: boolean): Promise<void> {
    const provider = this.#options.pullCredentials;
    if (!provider) return;
    const cached = this.#logins.get(registry);
    if (cached && !force && Date.now() - cached.at < 30 * 60_000) return cached.done;
    const done = (async () => {
      const creds = await provider(registry);
      if (creds) await this.#options.runtime.login(registry, creds.username, creds.password);
    })();
    this.#logins.set(registry, { at: Date.now(), done });
    try {
      await done;
    } catch (error: unknown) {
      this.#logins.delete(registry);
      throw error;
    }
  }

  async #sync(key: string): Promise<void> {
    if (this.#stopped) return;
    const [namespace = '', name = ''] = key.split('/');
    const api = this.#options.api;
    const pod = api.store.get(podsDef, namespace, name) as unknown as Pod | undefined;
    const worker = this.#workers.get(key);
    if (worker && (!pod || pod.metadata.uid !== worker.uid)) {
      this.#workers.delete(key);
      void worker.kill().catch((error: unknown) => this.#options.onError?.(error));
    }
    if (!pod) return;
    if (!pod.spec.nodeName) {
      this.#bind(pod);
      return;
    }
    if (pod.spec.nodeName !== this.#options.nodeName) return;
    const current = this.#workers.get(key);
    if (pod.metadata.deletionTimestamp) {
      const grace = pod.metadata.deletionGracePeriodSeconds ?? 0;
      if (current) {
        void current
          .terminate(grace)
          .catch((error: unknown) => this.#options.onError?.(error))
          .finally(() => {
            if (this.#workers.get(key) === current) this.#workers.delete(key);
          });
      } else {
        api.finalizePod(namespace, name, pod.metadata.uid);
      }
      return;
    }
    if (!current) {
      const w = new PodWorker(pod, {
        api,
        runtime: this.#options.runtime,
        events: this.#events,
        login: (registry, force) => this.#login(registry, force),
        instanceLabel: this.#options.instanceLabel,
        backoff: this.#options.backoff ?? { initialMs: 10_000, maxMs: 300_000 },
        onError: (error) => this.#options.onError?.(error),
        ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
      });
      this.#workers.set(key, w);
      w.start();
    }
  }

  #bind(pod: Pod): void {
    const api = this.#options.api;
    const copy = structuredClone(pod);
    copy.spec.nodeName = this.#options.nodeName;
    try {
      const bound = api.update(podsDef, pod.metadata.namespace, pod.metadata.name, copy, { fieldValidation: 'Strict' })
        .object as unknown as Pod;
      const now = api.now();
      bound.status = {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now }],
        qosClass: 'BestEffort',
      };
      api.update(podsDef, pod.metadata.namespace, pod.metadata.name, bound, { fieldValidation: 'Strict' }, 'status');
      this.#scheduler.record(
        bound,
        'Normal',
        'Scheduled',
        `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${this.#options.nodeName}`,
      );
    } catch (error: unknown) {
      if (!(error instanceof KubeStatusError && (error.code === 409 || error.code === 404))) throw error;
      this.#queue.add(`${pod.metadata.namespace}/${pod.metadata.name}`);
    }
  }

  /** The container IDs of a pod (current first), for tests that act on a pod's container. */
  containerIds(namespace: string, name: string): { container: string; current?: string; previous?: string }[] {
    const w = this.#workers.get(`${namespace}/${name}`);
    return (w?.containers ?? []).map((c) => ({
      container: c.spec.name,
      ...(c.containerId ? { current: c.containerId } : {}),
      ...(c.previousId ? { previous: c.previousId } : {}),
    }));
  }

  async read(pod: Obj, options: PodLogOptions, write: (chunk: string) => void, signal: AbortSignal): Promise<void> {
    const m = metaOf(pod);
    const worker = this.#workers.get(`${m.namespace}/${m.name}`);
    const c = worker?.containers.find((x) => x.spec.name === options.container);
    const id = options.previous ? c?.previousId : c?.containerId;
    if (!c || !id) {
      if (options.previous) {
        throw badRequest(`previous terminated container "${options.container}" in pod "${m.name}" not found`);
      }
      const reason = c?.status.state.waiting?.reason ?? 'ContainerCreating';
      throw badRequest(`container "${options.container}" in pod "${m.name}" is waiting to start: ${reason}`);
    }
    await this.#options.runtime.logs(
      id,
      {
        timestamps: options.timestamps,
        follow: options.follow,
        ...(options.tailLines !== undefined ? { tailLines: options.tailLines } : {}),
        ...(options.sinceSeconds !== undefined ? { sinceSeconds: options.sinceSeconds } : {}),
      },
      write,
      signal,
    );
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    await this.#queue.stop();
    const workers = [...this.#workers.values()];
    this.#workers.clear();
    await Promise.all(workers.map((w) => w.kill().catch(() => undefined)));
    const { key, value } = this.#options.instanceLabel;
    await this.#options.runtime.removeAll(await this.#options.runtime.listByLabel(`${key}=${value}`));
  }
}
