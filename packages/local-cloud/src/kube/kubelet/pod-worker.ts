// One pod on the node: a ContainerWorker per container, the pod status written back (one
// write at a time, re-read on conflict), host ports recorded as annotations, and termination
// (stop with the grace period, remove the containers, then the pod object).
import type { ObjectApi } from '../api/object-api.ts';
import { findResource, type ResourceDef } from '../api/resources.ts';
import { KubeStatusError } from '../api/status.ts';
import type { EventRecorder } from '../controllers/events.ts';
import type { Pod } from '../controllers/types.ts';
import { ContainerWorker } from './container-worker.ts';
import type { DockerRuntime } from './docker-runtime.ts';
import { podStatus } from './pod-status.ts';

const podsDef = findResource('', 'v1', 'pods') as ResourceDef;

export const HOST_PORT_ANNOTATION = 'local-cloud.bakeline.io/host-port-';

export interface PodWorkerDeps {
  api: ObjectApi;
  runtime: DockerRuntime;
  events: EventRecorder;
  login: (registry: string, force: boolean) => Promise<void>;
  instanceLabel: { key: string; value: string };
  backoff: { initialMs: number; maxMs: number };
  onError: (error: unknown) => void;
  fetch?: typeof fetch;
}

export class PodWorker {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly containers: ContainerWorker[];
  readonly #deps: PodWorkerDeps;
  readonly #abort = new AbortController();
  #latest: Pod;
  #startTime: string;
  #flushing: Promise<void> | undefined;
  #dirty = false;
  #running: Promise<void> | undefined;
  #terminating: Promise<void> | undefined;

  constructor(pod: Pod, deps: PodWorkerDeps) {
    this.namespace = pod.metadata.namespace ?? 'default';
    this.name = pod.metadata.name;
    this.uid = pod.metadata.uid;
    this.#latest = pod;
    this.#deps = deps;
    this.#startTime = deps.api.now();
    const labels = {
      [deps.instanceLabel.key]: deps.instanceLabel.value,
      'io.kubernetes.pod.name': this.name,
      'io.kubernetes.pod.namespace': this.namespace,
      'io.kubernetes.pod.uid': this.uid,
    };
    this.containers = pod.spec.containers.map(
      (c, i) =>
        new ContainerWorker(c, i, {
          runtime: deps.runtime,
          store: deps.api.store,
          events: deps.events,
          login: deps.login,
          labels,
          backoff: deps.backoff,
          pod: () => this.#pod(),
          changed: () => this.#changed(),
          hostPorts: (ports) => this.#recordHostPorts(ports),
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
        }),
    );
  }

  #pod(): Pod {
    const stored = this.#deps.api.store.get(podsDef, this.namespace, this.name) as unknown as Pod | undefined;
    if (stored && stored.metadata.uid === this.uid) this.#latest = stored;
    return this.#latest;
  }

  start(): void {
    this.#changed();
    this.#running = Promise.all(
      this.containers.map((c) =>
        c.run(this.#abort.signal).catch((error: unknown) => {
          if (!this.#abort.signal.aborted) this.#deps.onError(error);
        }),
      ),
    ).then(() => undefined);
  }

  #changed(): void {
    this.#dirty = true;
    if (this.#flushing) return;
    this.#flushing = (async () => {
      while (this.#dirty && !this.#terminating) {
        this.#dirty = false;
        await this.#writeStatus();
      }
    })().finally(() => {
      this.#flushing = undefined;
    });
  }

  async #writeStatus(): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const pod = this.#pod();
      if (pod.metadata.uid !== this.uid || pod.metadata.deletionTimestamp) return;
      const copy = structuredClone(pod);
      copy.status = podStatus(
        pod,
        this.containers.map((c) => c.status),
        this.#startTime,
        this.#deps.api.now(),
      );
      try {
        this.#deps.api.update(podsDef, this.namespace, this.name, copy, { fieldValidation: 'Strict' }, 'status');
        return;
      } catch (error: unknown) {
        if (error instanceof KubeStatusError && error.code === 404) return;
        if (!(error instanceof KubeStatusError && error.code === 409)) {
          this.#deps.onError(error);
          return;
        }
      }
    }
  }

  async #recordHostPorts(ports: Record<number, number>): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const pod = this.#pod();
      if (pod.metadata.uid !== this.uid || pod.metadata.deletionTimestamp) return;
      const copy = structuredClone(pod);
      const annotations = { ...(copy.metadata.annotations ?? {}) };
      for (const [containerPort, hostPort] of Object.entries(ports))
        annotations[`${HOST_PORT_ANNOTATION}${containerPort}`] = String(hostPort);
      copy.metadata.annotations = annotations;
      try {
        this.#deps.api.update(podsDef, this.namespace, this.name, copy, { fieldValidation: 'Strict' });
        return;
      } catch (error: unknown) {
        if (error instanceof KubeStatusError && error.code === 404) return;
        if (!(error instanceof KubeStatusError && error.code === 409)) throw error;
      }
    }
  }

  /** Graceful termination (the pod was deleted with a grace period). */
  terminate(graceSeconds: number): Promise<void> {
    if (!this.#terminating) {
      this.#terminating = (async () => {
        this.#abort.abort();
        await this.#running;
        const pod = this.#latest;
        await Promise.all(
          this.containers.map(async (c) => {
            if (c.containerId) {
              const info = await this.#deps.runtime.inspect(c.containerId);
              if (info?.running) {
                this.#deps.events.record(
                  pod,
                  'Normal',
                  'Killing',
                  `Stopping container ${c.spec.name}`,
                  `spec.containers{${c.spec.name}}`,
                );
                await this.#deps.runtime.stop(c.containerId, graceSeconds);
              }
            }
          }),
        );
        await this.#removeContainers();
        this.#deps.api.finalizePod(this.namespace, this.name, this.uid);
      })();
    }
    return this.#terminating;
  }

  /** Immediate removal (the pod object is already gone, or the node stops). */
  async kill(): Promise<void> {
    this.#abort.abort();
    if (this.#terminating) {
      await this.#terminating;
      return;
    }
    this.#terminating = (async () => {
      await this.#running;
      await this.#removeContainers();
    })();
    await this.#terminating;
  }

  async #removeContainers(): Promise<void> {
    for (const c of this.containers) {
      for (const id of [c.containerId, c.previousId]) if (id) await this.#deps.runtime.remove(id);
    }
  }
}
