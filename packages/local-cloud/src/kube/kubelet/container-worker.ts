// One container of a pod through its life: image (pull with back-off: ErrImagePull then
// ImagePullBackOff), configuration (CreateContainerConfigError), create and start, readiness
// and liveness probes, exit and restart with back-off (CrashLoopBackOff), with the Events the
// kubelet records. Every wait is abortable; nothing outlives the pod worker's signal.

import type { ObjectStore } from '../api/store.ts';
import { humanDuration } from '../api/table.ts';
import type { EventRecorder } from '../controllers/events.ts';
import type { Container, ContainerStatus, Pod, Probe } from '../controllers/types.ts';
import { ContainerConfigError, containerEnv } from './container-env.ts';
import { type DockerRuntime, RuntimeError } from './docker-runtime.ts';
import { imageIdFor, registryHost } from './image-ref.ts';
import { resolvePort, runProbe } from './probe.ts';
import { ProbeTicker } from './probe-ticker.ts';

export interface ContainerWorkerDeps {
  runtime: DockerRuntime;
  store: ObjectStore;
  events: EventRecorder;
  /** logs the node in to a registry with its pull credentials (once per host, cached) */
  login: (registry: string, force: boolean) => Promise<void>;
  labels: Record<string, string>;
  backoff: { initialMs: number; maxMs: number };
  /** the pod (latest stored version) */
  pod: () => Pod;
  /** the worker's status changed: write it */
  changed: () => void;
  /** publish host ports as pod annotations */
  hostPorts: (ports: Record<number, number>) => Promise<void>;
  fetch?: typeof fetch;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function timestamp(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

function dockerTime(t: string | undefined): string {
  const ms = Date.parse(t ?? '');
  return Number.isFinite(ms) && ms > 0 ? timestamp(new Date(ms)) : timestamp(new Date());
}

export class ContainerWorker {
  readonly spec: Container;
  readonly status: ContainerStatus;
  containerId: string | undefined;
  previousId: string | undefined;
  readonly #deps: ContainerWorkerDeps;
  readonly #fieldPath: string;
  #hostPorts: Record<number, number> = {};
  #everCreated = false;

  constructor(spec: Container, index: number, deps: ContainerWorkerDeps) {
    this.spec = spec;
    this.#deps = deps;
    this.#fieldPath = `spec.containers{${spec.name}}`;
    void index;
    this.status = {
      name: spec.name,
      state: { waiting: { reason: 'ContainerCreating' } },
      lastState: {},
      ready: false,
      restartCount: 0,
      image: spec.image,
      imageID: '',
      started: false,
    };
  }

  #pod(): Pod {
    return this.#deps.pod();
  }

  #event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.#deps.events.record(this.#pod(), type, reason, message, this.#fieldPath);
  }

  #podRef(): string {
    const p = this.#pod();
    return `${p.metadata.name}_${p.metadata.namespace}(${p.metadata.uid})`;
  }

  #set(state: ContainerStatus['state'], ready = false): void {
    this.status.state = state;
    this.status.ready = ready;
    this.#deps.changed();
  }

  /** The published ports: declared container ports and the ports probes use. */
  #ports(): number[] {
    const ports = new Set((this.spec.ports ?? []).map((p) => p.containerPort));
    for (const probe of [this.spec.readinessProbe, this.spec.livenessProbe]) {
      const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
      const resolved = port === undefined ? undefined : resolvePort(this.spec, port);
      if (resolved !== undefined) ports.add(resolved);
    }
    return [...ports];
  }

  async #ensureImage(signal: AbortSignal): Promise<boolean> {
    const image = this.spec.image;
    const policy = this.spec.imagePullPolicy ?? 'IfNotPresent';
    let delay = this.#deps.backoff.initialMs;
    let forceLogin = false;
    while (!signal.aborted) {
      const present = await this.#deps.runtime.inspectImage(image);
      if (present && policy !== 'Always') {
        this.status.imageID = imageIdFor(image, present.repoDigests);
        this.#event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
        return true;
      }
      if (policy === 'Never') {
        const message = `Container image "${image}" is not present with pull policy of Never`;
        this.#set({ waiting: { reason: 'ErrImageNeverPull', message } });
        this.#event('Warning', 'ErrImageNeverPull', message);
        await sleep(delay, signal);
        delay = Math.min(delay * 2, this.#deps.backoff.maxMs);
        continue;
      }
      this.#event('Normal', 'Pulling', `Pulling image "${image}"`);
      const started = Date.now();
      let failure: string | undefined;
      try {
        const registry = registryHost(image);
        if (registry) await this.#deps.login(registry, forceLogin);
        await this.#deps.runtime.pull(image);
      } catch (error: unknown) {
        const stderr =
          error instanceof RuntimeError ? error.stderr.trim().split('\n').filter(Boolean).pop() : undefined;
        failure = stderr ?? (error instanceof Error ? error.message : String(error));
        forceLogin = /denied|unauthorized|authentication required/i.test(failure);
      }
      if (signal.aborted) return false;
      if (failure === undefined) {
        const pulled = await this.#deps.runtime.inspectImage(image);
        this.status.imageID = imageIdFor(image, pulled?.repoDigests ?? []);
        const seconds = ((Date.now() - started) / 1000).toFixed(3);
        this.#event(
          'Normal',
          'Pulled',
          `Successfully pulled image "${image}" in ${seconds}s (${seconds}s including waiting). Image size: ${pulled?.size ?? 0} bytes.`,
        );
        return true;
      }
      const message = `rpc error: code = Unknown desc = ${failure}`;
      this.#event('Warning', 'Failed', `Failed to pull image "${image}": ${message}`);
      this.#event('Warning', 'Failed', 'Error: ErrImagePull');
      this.#set({ waiting: { reason: 'ErrImagePull', message } });
      await sleep(Math.min(delay, 2000), signal);
      if (signal.aborted) return false;
      this.#set({
        waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ErrImagePull: ${message}` },
      });
      this.#event('Normal', 'BackOff', `Back-off pulling image "${image}"`);
      this.#event('Warning', 'Failed', 'Error: ImagePullBackOff');
      await sleep(delay, signal);
      delay = Math.min(delay * 2, this.#deps.backoff.maxMs);
    }
    return false;
  }

  async run(signal: AbortSignal): Promise<void> {
    let crashes = 0;
    let configDelay = this.#deps.backoff.initialMs;
    if (!(await this.#ensureImage(signal))) return;
    while (!signal.aborted) {
      const pod = this.#pod();
      let env: Record<string, string>;
      try {
        env = containerEnv(this.#deps.store, pod, this.spec);
      } catch (error: unknown) {
        if (!(error instanceof ContainerConfigError)) throw error;
        this.#set({ waiting: { reason: 'CreateContainerConfigError', message: error.message } });
        this.#event('Warning', 'Failed', `Error: ${error.message}`);
        await sleep(configDelay, signal);
        configDelay = Math.min(configDelay * 2, this.#deps.backoff.maxMs);
        continue;
      }
      const attempt = this.status.restartCount + (this.#everCreated ? 1 : 0);
      const name = `k8s_${this.spec.name}_${pod.metadata.name}_${pod.metadata.namespace}_${pod.metadata.uid}_${attempt}`;
      let id: string;
      try {
        id = await this.#deps.runtime.create({
          name,
          image: this.spec.image,
          labels: { ...this.#deps.labels, 'io.kubernetes.container.name': this.spec.name },
          env,
          ports: this.#ports(),
          ...(this.spec.command ? { command: this.spec.command } : {}),
          ...(this.spec.args ? { args: this.spec.args } : {}),
          ...(this.spec.workingDir ? { workingDir: this.spec.workingDir } : {}),
        });
      } catch (error: unknown) {
        const message = error instanceof Error ? error.message : String(error);
        this.#set({ waiting: { reason: 'CreateContainerError', message } });
        this.#event('Warning', 'Failed', `Error: ${message}`);
        await sleep(configDelay, signal);
        configDelay = Math.min(configDelay * 2, this.#deps.backoff.maxMs);
        continue;
      }
      if (this.#everCreated) this.status.restartCount += 1;
      this.#everCreated = true;
      // Keep one exited container for `logs --previous`; older ones go.
      if (this.previousId) await this.#deps.runtime.remove(this.previousId);
      this.previousId = this.containerId;
      this.containerId = id;
      this.status.containerID = `docker://${id}`;
      this.#event('Normal', 'Created', `Created container: ${this.spec.name}`);
      let startError: string | undefined;
      try {
        await this.#deps.runtime.start(id);
      } catch (error: unknown) {
        startError = error instanceof Error ? error.message : String(error);
      }
      const info = await this.#deps.runtime.inspect(id);
      if (startError === undefined && info) {
        this.#event('Normal', 'Started', `Started container ${this.spec.name}`);
        this.#hostPorts = info.hostPorts;
        await this.#deps.hostPorts(info.hostPorts);
        this.status.started = true;
        this.#set({ running: { startedAt: dockerTime(info.startedAt) } }, this.spec.readinessProbe === undefined);
      }
      const runStarted = Date.now();
      let exitCode: number;
      let reason: string;
      if (startError !== undefined || !info) {
        exitCode = info?.exitCode || 128;
        reason = 'StartError';
        this.#event(
          'Warning',
          'Failed',
          `Error: failed to start container "${this.spec.name}": ${startError ?? 'no such container'}`,
        );
      } else {
        const probes = new AbortController();
        const stopProbes = () => probes.abort();
        signal.addEventListener('abort', stopProbes, { once: true });
        const probing = this.#probe(id, probes.signal);
        try {
          exitCode = await this.#deps.runtime.wait(id, signal);
        } catch {
          exitCode = -1;
        }
        probes.abort();
        signal.removeEventListener('abort', stopProbes);
        await probing;
        if (signal.aborted) return;
        const after = await this.#deps.runtime.inspect(id);
        exitCode = after?.exitCode ?? exitCode;
        reason = after?.oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
      }
      const after = await this.#deps.runtime.inspect(id);
      const terminated = {
        exitCode,
        reason,
        startedAt: dockerTime(after?.startedAt ?? info?.startedAt),
        finishedAt: dockerTime(after?.finishedAt),
        containerID: `docker://${id}`,
      };
      this.status.lastState = { terminated };
      this.status.ready = false;
      const policy = pod.spec.restartPolicy ?? 'Always';
      if (policy === 'Never' || (policy === 'OnFailure' && exitCode === 0)) {
        this.#set({ terminated });
        return;
      }
      if (Date.now() - runStarted > 2 * this.#deps.backoff.maxMs) crashes = 0;
      crashes += 1;
      this.#set({ terminated });
      const delay =
        crashes <= 1 ? 0 : Math.min(this.#deps.backoff.initialMs * 2 ** (crashes - 2), this.#deps.backoff.maxMs);
      if (delay > 0) {
        this.#event(
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${this.spec.name} in pod ${this.#podRef()}`,
        );
        this.#set({
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${humanDuration(delay)} restarting failed container=${this.spec.name} pod=${this.#podRef()}`,
          },
        });
        await sleep(delay, signal);
      }
    }
  }

  /** Readiness and liveness probes until the signal ends them. */
  async #probe(id: string, signal: AbortSignal): Promise<void> {
    const target = {
      hostPort: (port: number) => this.#hostPorts[port],
      exec: (command: string[], timeoutMs: number) => this.#deps.runtime.execIn(id, command, timeoutMs),
    };
    const loop = async (probe: Probe, kind: 'Readiness' | 'Liveness') => {
      await sleep((probe.initialDelaySeconds ?? 0) * 1000, signal);
      const ticker = new ProbeTicker(probe.periodSeconds ?? 10);
      let successes = 0;
      let failures = 0;
      while (!signal.aborted) {
        const result = await runProbe(probe, this.spec, target, this.#deps.fetch);
        if (signal.aborted) return;
        if (result.ok) {
          successes += 1;
          failures = 0;
          if (kind === 'Readiness' && !this.status.ready && successes >= (probe.successThreshold ?? 1)) {
            this.status.ready = true;
            this.#deps.changed();
          }
        } else {
          failures += 1;
          successes = 0;
          this.#event('Warning', 'Unhealthy', `${kind} probe failed: ${result.message}`);
          if (failures >= (probe.failureThreshold ?? 3)) {
            if (kind === 'Readiness' && this.status.ready) {
              this.status.ready = false;
              this.#deps.changed();
            }
            if (kind === 'Liveness') {
              this.#event('Normal', 'Killing', `Container ${this.spec.name} failed liveness probe, will be restarted`);
              await this.#deps.runtime.stop(id, this.#pod().spec.terminationGracePeriodSeconds ?? 30);
              return;
            }
          }
        }
        await sleep(ticker.next(), signal);
      }
    };
    const loops: Promise<void>[] = [];
    if (this.spec.readinessProbe) loops.push(loop(this.spec.readinessProbe, 'Readiness'));
    if (this.spec.livenessProbe) loops.push(loop(this.spec.livenessProbe, 'Liveness'));
    await Promise.all(loops);
  }
}
