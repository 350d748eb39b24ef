// The Docker engine through its CLI: the one seam where platform tests start processes.
import { type Exec, exec, execChecked } from '@bakeline/toolkit';

export interface ImageInspect {
  Id: string;
  RepoDigests?: string[];
  Config: {
    User?: string;
    Env?: string[] | null;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    ExposedPorts?: Record<string, object> | null;
    Labels?: Record<string, string> | null;
    Healthcheck?: { Test?: string[] } | null;
  };
}

export type ImageStore = 'classic' | 'containerd';

export class DockerCli {
  readonly #exec: Exec;

  constructor(run: Exec = exec) {
    this.#exec = run;
  }

  async run(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
    return (await execChecked('docker', args, options, this.#exec)).stdout.trim();
  }

  /** Exit code and output, for commands whose failure is an answer (docker exec checks). */
  raw(args: string[], timeoutMs = 60_000) {
    return this.#exec('docker', args, { timeoutMs });
  }

  /** classic image store (image ID = config digest) or containerd snapshotter (image ID = manifest digest). */
  async imageStore(): Promise<ImageStore> {
    const status = await this.run(['info', '--format', '{{json .DriverStatus}}']);
    return /io\.containerd\.snapshotter/.test(status) ? 'containerd' : 'classic';
  }

  async load(archivePath: string): Promise<string> {
    const out = await this.run(['load', '--input', archivePath], { timeoutMs: 600_000 });
    const match = /Loaded image(?: ID)?: (\S+)/.exec(out);
    if (!match?.[1]) throw new Error(`docker load: could not read the loaded image from: ${out}`);
    return match[1];
  }

  async inspectImage(ref: string): Promise<ImageInspect> {
    const out = await this.run(['image', 'inspect', '--format', '{{json .}}', ref]);
    return JSON.parse(out) as ImageInspect;
  }

  async hostPort(container: string, port: number): Promise<number> {
    const out = await this.run(['port', container, `${port}/tcp`]);
    const line = out.split('\n').find((l) => l.startsWith('127.0.0.1:'));
    const value = Number(line?.split(':').at(-1));
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`docker port ${container} ${port}: no port published on 127.0.0.1 (${out})`);
    return value;
  }

  async state(container: string): Promise<{ running: boolean; exitCode: number; health: string | undefined }> {
    const out = await this.run(['inspect', '--format', '{{json .State}}', container]);
    const state = JSON.parse(out) as { Running: boolean; ExitCode: number; Health?: { Status: string } };
    return { running: state.Running, exitCode: state.ExitCode, health: state.Health?.Status };
  }

  async logs(container: string, tail: number): Promise<string> {
    const result = await this.#exec('docker', ['logs', '--tail', String(tail), container], { timeoutMs: 30_000 });
    return `${result.stdout}${result.stderr}`;
  }

  /** Removes every container and network that carries the label (idempotent). */
  async removeLabelled(label: string): Promise<number> {
    const ids = (await this.run(['ps', '-aq', '--filter', `label=${label}`])).split('\n').filter(Boolean);
    if (ids.length > 0) await this.#exec('docker', ['rm', '-f', '-v', ...ids], { timeoutMs: 60_000 });
    const networks = (await this.run(['network', 'ls', '-q', '--filter', `label=${label}`]))
      .split('\n')
      .filter(Boolean);
    if (networks.length > 0) await this.#exec('docker', ['network', 'rm', ...networks], { timeoutMs: 60_000 });
    return ids.length;
  }
}
