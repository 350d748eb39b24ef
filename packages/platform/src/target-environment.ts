// The containers of one run: the spec's services on a user-defined network, then the target, with
// runtime configuration from environment variables only and ports published on 127.0.0.1. Every
// container and network carries the run's label, and each ID is reported as soon as it is known,
// so whoever cleans up (this run, a signal handler, the post step) can remove them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@bakeline/toolkit';
import type { DockerCli } from './docker-cli.ts';
import { envFileText } from './env-file.ts';
import { healthcheckProbe, waitUntilReady } from './readiness.ts';
import type { Service } from './spec-schema.ts';

export const LABEL = 'io.bakeline.platform-test';

export interface Resources {
  containers: string[];
  networks: string[];
}

export interface TargetStart {
  image: string;
  /** Container ports to publish on 127.0.0.1 (the first is the target port). */
  ports: number[];
  env: Record<string, string>;
  services: Service[];
  /** How long a service with `healthcheck: true` may take. */
  serviceTimeoutMs: number;
}

export interface StartedTarget {
  container: string;
  /** Container port -> host port on 127.0.0.1. */
  hostPorts: Map<number, number>;
}

/** A run ID becomes part of container names and label values. */
export function checkRunId(runId: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(runId))
    throw new Error(`run id '${runId}': expected lowercase letters, digits and '-'`);
  return runId;
}

export class TargetEnvironment {
  readonly runId: string;
  readonly label: string;
  readonly resources: Resources = { containers: [], networks: [] };
  readonly #docker: DockerCli;
  readonly #logger: Logger;
  readonly #workDir: string;
  readonly #onResources: ((resources: Resources) => void) | undefined;
  readonly #signal: AbortSignal | undefined;

  constructor(options: {
    docker: DockerCli;
    runId: string;
    workDir: string;
    logger: Logger;
    onResources?: (resources: Resources) => void;
    signal?: AbortSignal;
  }) {
    this.runId = checkRunId(options.runId);
    this.label = `${LABEL}=${this.runId}`;
    this.#docker = options.docker;
    this.#logger = options.logger;
    this.#workDir = options.workDir;
    this.#onResources = options.onResources;
    this.#signal = options.signal;
  }

  get #labels(): Record<string, string> {
    return { [LABEL]: this.runId };
  }

  #track(kind: keyof Resources, id: string): void {
    this.resources[kind].push(id);
    this.#onResources?.({ containers: [...this.resources.containers], networks: [...this.resources.networks] });
  }

  async start(target: TargetStart): Promise<StartedTarget> {
    const name = `bakeline-pt-${this.runId}`;
    let network: string | undefined;
    if (target.services.length > 0) {
      network = name;
      this.#track('networks', await this.#docker.createNetwork(network, this.#labels));
      for (const service of target.services) await this.#startService(service, network, target.serviceTimeoutMs);
    }
    // The values travel in a 0600 file, never on a command line (where `ps` would show them).
    const dir = mkdtempSync(join(this.#workDir, 'platform-env-'));
    let container: string;
    try {
      const envFile = join(dir, 'target.env');
      writeFileSync(envFile, envFileText(target.env), { mode: 0o600 });
      container = await this.#docker.runContainer({
        image: target.image,
        name,
        labels: this.#labels,
        envFile,
        publish: target.ports,
        ...(network ? { network } : {}),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    this.#track('containers', container);
    const hostPorts = new Map<number, number>();
    for (const port of target.ports) hostPorts.set(port, await this.#docker.hostPort(container, port));
    return { container, hostPorts };
  }

  async #startService(service: Service, network: string, timeoutMs: number): Promise<void> {
    const id = await this.#docker.runContainer({
      image: service.image,
      name: `${network}-${service.name}`,
      labels: this.#labels,
      ...(service.env ? { env: service.env } : {}),
      network,
      networkAlias: service.name,
      ...(service.command ? { command: service.command } : {}),
    });
    this.#track('containers', id);
    this.#logger.info(`started service ${service.name} (${service.image}) as ${id.slice(0, 12)} on network ${network}`);
    if (service.healthcheck) {
      const ms = await waitUntilReady({
        probe: healthcheckProbe(),
        state: () => this.#docker.state(id),
        timeoutMs,
        ...(this.#signal ? { signal: this.#signal } : {}),
      }).catch((error: unknown) => {
        throw new Error(`service ${service.name} did not become healthy`, { cause: error });
      });
      this.#logger.info(`service ${service.name} healthy after ${ms} ms`);
    }
  }

  /** Removes everything this run started (by ID and by label); never aborted. */
  async remove(): Promise<number> {
    return this.#docker.remove({ ...this.resources, label: this.label });
  }
}
