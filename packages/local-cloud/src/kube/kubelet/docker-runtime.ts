// The container runtime of the stand-in's node: the `docker` CLI through @bakeline/docker's
// Docker (the one Docker wrapper, over one exec seam, so a test can assert the exact argv). Its
// own client config directory holds the node's registry logins, so nothing is written to the
// user's ~/.docker.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Docker } from '@bakeline/docker';
import type { Exec } from '@bakeline/toolkit';

export interface RunSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  env: Record<string, string>;
  /** container ports published on 127.0.0.1 at a free host port */
  ports: number[];
  command?: string[];
  args?: string[];
  workingDir?: string;
}

export interface ContainerInfo {
  id: string;
  running: boolean;
  exitCode: number;
  startedAt: string;
  finishedAt: string;
  oomKilled: boolean;
  /** containerPort -> host port on 127.0.0.1 */
  hostPorts: Record<number, number>;
}

export class RuntimeError extends Error {
  readonly stderr: string;
  constructor(message: string, stderr: string) {
    super(message);
    this.name = 'RuntimeError';
    this.stderr = stderr;
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop() ?? '';
}

export class DockerRuntime {
  readonly #configDir: string;
  readonly #docker: Docker;

  constructor(options: { exec?: Exec; docker?: string } = {}) {
    this.#configDir = mkdtempSync(join(tmpdir(), 'bakeline-kubelet-docker-'));
    this.#docker = new Docker({
      ...(options.exec ? { exec: options.exec } : {}),
      ...(options.docker ? { command: options.docker } : {}),
      config: this.#configDir,
    });
  }

  async #run(args: string[], options: { input?: string; timeoutMs?: number; signal?: AbortSignal } = {}) {
    return this.#docker.cli(args, {
      timeoutMs: options.timeoutMs ?? 120_000,
      ...(options.input !== undefined ? { input: options.input } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  async #checked(args: string[], what: string, options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
    const r = await this.#run(args, options);
    if (r.exitCode !== 0) throw new RuntimeError(`${what}: ${lastLine(r.stderr || r.stdout)}`, r.stderr);
    return r.stdout;
  }

  async login(registry: string, username: string, password: string): Promise<void> {
    await this.#checked(['login', '--username', username, '--password-stdin', registry], `login to ${registry}`, {
      input: password,
    });
  }

  /** Pulls an image; rejects with the registry's error line. */
  async pull(image: string, timeoutMs = 300_000): Promise<void> {
    await this.#checked(['pull', '--quiet', image], `pull ${image}`, { timeoutMs });
  }

  /** The image's repo digests and size, or undefined when it is not on the node. */
  async inspectImage(image: string): Promise<{ repoDigests: string[]; size: number } | undefined> {
    const r = await this.#run(['image', 'inspect', '--format', '{{json .RepoDigests}} {{.Size}}', image]);
    if (r.exitCode !== 0) return undefined;
    const m = /^(\[.*\]|null) (\d+)/.exec(r.stdout.trim());
    if (!m) return undefined;
    return { repoDigests: (JSON.parse(m[1] ?? '[]') as string[] | null) ?? [], size: Number(m[2]) };
  }

  async create(spec: RunSpec): Promise<string> {
    const args = ['create', '--name', spec.name];
    for (const [k, v] of Object.entries(spec.labels)) args.push('--label', `${k}=${v}`);
    for (const [k, v] of Object.entries(spec.env)) args.push('--env', `${k}=${v}`);
    for (const port of spec.ports) args.push('--publish', `127.0.0.1::${port}`);
    if (spec.workingDir) args.push('--workdir', spec.workingDir);
    const [entry, ...entryRest] = spec.command ?? [];
    if (entry !== undefined) args.push('--entrypoint', entry);
    args.push(spec.image, ...entryRest, ...(spec.args ?? []));
    return (await this.#checked(args, `create container ${spec.name}`)).trim();
  }

  async start(id: string): Promise<void> {
    await this.#checked(['start', id], `start container ${id.slice(0, 12)}`);
  }

  async inspect(id: string): Promise<ContainerInfo | undefined> {
    const r = await this.#run([
      'container',
      'inspect',
      '--format',
      '{{json .State}}|{{json .NetworkSettings.Ports}}',
      id,
    ]);
    if (r.exitCode !== 0) return undefined;
    const [stateText, portsText] = r.stdout.trim().split('|');
    const state = JSON.parse(stateText ?? '{}') as {
      Running: boolean;
      ExitCode: number;
      StartedAt: string;
      FinishedAt: string;
      OOMKilled: boolean;
    };
    const ports = (JSON.parse(portsText ?? 'null') ?? {}) as Record<
      string,
      { HostIp: string; HostPort: string }[] | null
    >;
    const hostPorts: Record<number, number> = {};
    for (const [key, bindings] of Object.entries(ports)) {
      const binding = (bindings ?? []).find((b) => b.HostIp === '127.0.0.1') ?? bindings?.[0];
      if (binding) hostPorts[Number.parseInt(key, 10)] = Number(binding.HostPort);
    }
    return {
      id,
      running: state.Running,
      exitCode: state.ExitCode,
      startedAt: state.StartedAt,
      finishedAt: state.FinishedAt,
      oomKilled: state.OOMKilled,
      hostPorts,
    };
  }

  /** Waits for the container to exit; resolves with its exit code (rejects when aborted). */
  async wait(id: string, signal: AbortSignal): Promise<number> {
    const r = await this.#docker.cli(['wait', id], { signal });
    const code = Number(r.stdout.trim());
    return Number.isInteger(code) ? code : -1;
  }

  async stop(id: string, graceSeconds: number): Promise<void> {
    await this.#run(['stop', '--time', String(Math.max(0, Math.floor(graceSeconds))), id], {
      timeoutMs: (graceSeconds + 30) * 1000,
    });
  }

  async remove(id: string): Promise<void> {
    await this.#run(['rm', '--force', '--volumes', id]);
  }

  async execIn(id: string, command: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }> {
    const r = await this.#run(['exec', id, ...command], { timeoutMs });
    return { exitCode: r.exitCode, output: `${r.stdout}${r.stderr}` };
  }

  async logs(
    id: string,
    options: { tailLines?: number; timestamps: boolean; sinceSeconds?: number; follow: boolean },
    write: (chunk: string) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const args = ['logs'];
    if (options.tailLines !== undefined) args.push('--tail', String(options.tailLines));
    if (options.timestamps) args.push('--timestamps');
    if (options.sinceSeconds !== undefined) args.push('--since', `${options.sinceSeconds}s`);
    if (options.follow) args.push('--follow');
    args.push(id);
    try {
      await this.#docker.cli(args, {
        signal,
        onStdout: write,
        onStderr: write,
        timeoutMs: options.follow ? 3_600_000 : 60_000,
      });
    } catch (error: unknown) {
      if (!signal.aborted) throw error;
    }
  }

  /** IDs of all containers (running or not) with a label. */
  async listByLabel(label: string): Promise<string[]> {
    const r = await this.#run(['ps', '--all', '--quiet', '--no-trunc', '--filter', `label=${label}`]);
    return r.stdout
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  async removeAll(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.#run(['rm', '--force', '--volumes', ...ids], { timeoutMs: 120_000 });
  }

  dispose(): void {
    rmSync(this.#configDir, { recursive: true, force: true });
  }
}
