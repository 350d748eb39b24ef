// Runs the deployment and ReplicaSet controllers from store events: a change of a Deployment
// queues it, a change of a ReplicaSet queues it and its Deployment, a change of a Pod queues
// its ReplicaSet. One serial work queue; delayed re-checks (deadlines, minReadySeconds) are
// timers owned by the queue and cleared at stop().
import type { ObjectApi } from '../api/object-api.ts';
import { KubeStatusError } from '../api/status.ts';
import { metaOf } from '../api/store.ts';
import { DeploymentController, deploymentsDef, replicaSetsDef } from './deployment-controller.ts';
import { EventRecorder } from './events.ts';
import { podsDef, ReplicaSetController } from './replicaset-controller.ts';
import type { ReplicaSet } from './types.ts';
import { WorkQueue } from './work-queue.ts';

export interface ControllerManagerOptions {
  api: ObjectApi;
  onError?: (error: unknown) => void;
}

export class ControllerManager {
  readonly #api: ObjectApi;
  readonly #queue: WorkQueue;
  readonly #deployments: DeploymentController;
  readonly #replicaSets: ReplicaSetController;
  #unsubscribe: (() => void) | undefined;

  constructor(options: ControllerManagerOptions) {
    this.#api = options.api;
    this.#queue = new WorkQueue({
      process: (key) => this.#process(key),
      onError: (key, error) => {
        // A conflict means someone wrote in between: run again with a fresh read.
        this.#queue.addAfter(key, 200);
        if (!(error instanceof KubeStatusError && error.code === 409)) options.onError?.(error);
      },
    });
    this.#deployments = new DeploymentController({
      api: options.api,
      events: new EventRecorder(options.api, 'deployment-controller'),
      requeueAfter: (ns, name, ms) => this.#queue.addAfter(`d/${ns}/${name}`, ms),
    });
    this.#replicaSets = new ReplicaSetController({
      api: options.api,
      events: new EventRecorder(options.api, 'replicaset-controller'),
      requeueAfter: (ns, name, ms) => this.#queue.addAfter(`rs/${ns}/${name}`, ms),
    });
  }

  async #process(key: string): Promise<void> {
    const [kind, namespace = '', name = ''] = key.split('/');
    if (kind === 'd') await this.#deployments.sync(namespace, name);
    else if (kind === 'rs') await this.#replicaSets.sync(namespace, name);
  }

  start(): void {
    const store = this.#api.store;
    this.#unsubscribe = store.subscribe((e) => {
      const m = metaOf(e.object);
      if (e.def === deploymentsDef) this.#queue.add(`d/${m.namespace}/${m.name}`);
      else if (e.def === replicaSetsDef) {
        this.#queue.add(`rs/${m.namespace}/${m.name}`);
        for (const d of this.#deployments.ownersOf(e.object as unknown as ReplicaSet))
          this.#queue.add(`d/${d.namespace}/${d.name}`);
      } else if (e.def === podsDef) {
        for (const ref of m.ownerReferences ?? []) {
          if (ref.controller && ref.kind === 'ReplicaSet') this.#queue.add(`rs/${m.namespace}/${ref.name}`);
        }
      }
    });
    for (const d of store.list(deploymentsDef)) this.#queue.add(`d/${metaOf(d).namespace}/${metaOf(d).name}`);
    for (const rs of store.list(replicaSetsDef)) this.#queue.add(`rs/${metaOf(rs).namespace}/${metaOf(rs).name}`);
  }

  idle(): Promise<void> {
    return this.#queue.idle();
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    await this.#queue.stop();
  }
}
