// What platform tests ask of the Docker engine: containers, networks, checks inside a container.
// Every command goes through @bakeline/docker's Docker (the one Docker wrapper and the one
// image-store detector); the argv of each is built here (tests assert it through an injected
// exec). Everything but removal takes the run's abort signal: a cancelled run stops what it is
// doing, then removes.
import { Docker, type ImageStore } from '@bakeline/docker';
import type { Exec, ExecResult } from '@bakeline/toolkit';

export type { ImageStore } from '@bakeline/docker';

export interface ImageInspect {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Config: {
    User?: string;
    Env?: string[] | null;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    ExposedPorts?: Record<string, object> | null;
    Volumes?: Record<string, object> | null;
    Labels?: Record<string, string> | null;
    Healthcheck?: { Test?: string[] | null } | null;
  };
}

export interface ContainerState {
  running: boolean;
  exitCode: number;
  /** `starting`, `healthy`, `unhealthy`; undefined when the image has no HEALTHCHECK. */
  health: string | undefined;
}

/** What `docker run -d` is given. Runtime configuration reaches the container as environment only. */
export interface ContainerSpec {
  image: string;
  name: string;
  labels: Record<string, string>;
  /** A `--env-file` (0600, removed once the container runs): values never appear on a command line. */
  envFile?: string;
  env?: Record<string, string>;
  /** Container ports published on 127.0.0.1 with a random host port each. */
  publish?: number[];
  network?: string;
  networkAlias?: string;
  command?: string[];
}

export interface ExecInContainer {
  env?: Record<string, string>;
  user?: string;
  workdir?: string;
  timeoutMs: number;
}

const LONG = 600_000;
const SHORT = 60_000;

/** `docker run -d` argv. */
export function runArgv(spec: ContainerSpec): string[] {
  return [
    'run',
    '--detach',
    '--name',
    spec.name,
    ...Object.entries(spec.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    ...(spec.envFile ? ['--env-file', spec.envFile] : []),
    ...Object.entries(spec.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    ...(spec.publish ?? []).flatMap((p) => ['--publish', `127.0.0.1::${p}`]),
    ...(spec.network ? ['--network', spec.network] : []),
    ...(spec.networkAlias ? ['--network-alias', spec.networkAlias] : []),
    spec.image,
    ...(spec.command ?? []),
  ];
}

/** `docker exec` argv for a command check. */
export function execArgv(
  container: string,
  command: readonly string[],
  options: Omit<ExecInContainer, 'timeoutMs'>,
): string[] {
  return [
    'exec',
    ...Object.entries(options.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    ...(options.user ? ['--user', options.user] : []),
    ...(options.workdir ? ['--workdir', options.workdir] : []),
    container,
    ...command,
  ];
}

/** The host port of `docker port <c> <port>/tcp` bound on 127.0.0.1. */
export function parseHostPort(output: string): number | undefined {
  for (const line of output.split('\n')) {
    const match = /^127\.0\.0\.1:(\d+)$/.exec(line.trim());
    if (match) return Number(match[1]);
  }
  return undefined;
}

export class DockerCli {
  readonly #docker: Docker;

  constructor(options: { exec?: Exec; signal?: AbortSignal } = {}) {
    this.#docker = new Docker({
      ...(options.exec ? { exec: options.exec } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  async #run(args: string[], timeoutMs = SHORT): Promise<string> {
    return (await this.#docker.cliChecked(args, { timeoutMs })).stdout.trim();
  }

  #raw(args: string[], timeoutMs = SHORT, abortable = true): Promise<ExecResult> {
    return this.#docker.cli(args, { timeoutMs, abortable });
  }

  /** classic (image ID = config digest) or containerd snapshotter (image ID = manifest digest); detected, never assumed. */
  imageStore(): Promise<ImageStore> {
    return this.#docker.imageStore();
  }

  async load(archivePath: string): Promise<string> {
    return this.#run(['load', '--input', archivePath], LONG);
  }

  pull(reference: string): Promise<void> {
    return this.#docker.pull(reference, LONG);
  }

  async inspectImage(reference: string): Promise<ImageInspect> {
    return JSON.parse(await this.#run(['image', 'inspect', '--format', '{{json .}}', reference])) as ImageInspect;
  }

  async createNetwork(name: string, labels: Record<string, string>): Promise<string> {
    return this.#run([
      'network',
      'create',
      ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
      name,
    ]);
  }

  /** Starts a container; returns its ID. */
  async runContainer(spec: ContainerSpec): Promise<string> {
    return this.#run(runArgv(spec), LONG);
  }

  async hostPort(container: string, port: number): Promise<number> {
    const out = await this.#run(['port', container, `${port}/tcp`]);
    const value = parseHostPort(out);
    if (value === undefined)
      throw new Error(`docker port ${container} ${port}/tcp: nothing published on 127.0.0.1 (${out})`);
    return value;
  }

  async state(container: string): Promise<ContainerState> {
    const out = await this.#run(['container', 'inspect', '--format', '{{json .State}}', container]);
    const state = JSON.parse(out) as { Running: boolean; ExitCode: number; Health?: { Status: string } | null };
    return { running: state.Running, exitCode: state.ExitCode, health: state.Health?.Status };
  }

  /** The last `tail` lines of the container's output (stdout and stderr). Not aborted: it is read for the report. */
  async logs(container: string, tail: number): Promise<string> {
    const result = await this.#raw(['logs', '--tail', String(tail), container], 30_000, false);
    return `${result.stdout}${result.stderr}`;
  }

  /** Runs a command in the container: its exit code is the answer, so any is returned. */
  execIn(container: string, command: readonly string[], options: ExecInContainer): Promise<ExecResult> {
    return this.#raw(execArgv(container, command, options), options.timeoutMs);
  }

  /**
   * Removes the containers and networks (force, with anonymous volumes), and everything else that
   * carries the label: a container whose `docker run` was interrupted has no known ID yet.
   * Idempotent; never aborted. Returns how many containers were removed.
   */
  async remove(resources: { containers: string[]; networks: string[]; label: string }): Promise<number> {
    const listed = await this.#raw(
      ['ps', '--all', '--quiet', '--no-trunc', '--filter', `label=${resources.label}`],
      SHORT,
      false,
    );
    const containers = [...new Set([...resources.containers, ...listed.stdout.split('\n').filter(Boolean)])];
    let removed = 0;
    if (containers.length > 0) {
      const result = await this.#raw(['rm', '--force', '--volumes', ...containers], SHORT, false);
      removed = result.stdout.split('\n').filter(Boolean).length;
    }
    const networks = await this.#raw(
      ['network', 'ls', '--quiet', '--no-trunc', '--filter', `label=${resources.label}`],
      SHORT,
      false,
    );
    const allNetworks = [...new Set([...resources.networks, ...networks.stdout.split('\n').filter(Boolean)])];
    if (allNetworks.length > 0) {
      const result = await this.#raw(['network', 'rm', ...allNetworks], SHORT, false);
      if (result.exitCode !== 0 && !/not found|No such network/i.test(result.stderr)) {
        throw new Error(`docker network rm: ${result.stderr.trim()}`);
      }
    }
    return removed;
  }
}
