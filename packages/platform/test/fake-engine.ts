// For unit tests only (not exported from the package): an `exec` that answers `docker ...` like
// a small Docker engine, records every argv, and keeps what a real engine would keep (containers,
// networks, labels), so tests can assert the exact commands and that nothing is left behind.
import { readFileSync } from 'node:fs';
import { type Exec, ExecError, type ExecOptions, type ExecResult } from '@bakeline/toolkit';
import type { ImageInspect, ImageStore } from '../src/docker-cli.ts';

export interface FakeContainer {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  /** Contents of the --env-file at `docker run` time. */
  envFile: string | undefined;
  argv: string[];
  running: boolean;
  exitCode: number;
  health?: string;
}

export interface FakeEngineOptions {
  store?: ImageStore;
  /** What `docker info --format '{{json .}}'` answers (default: from `store`). */
  info?: { Driver: string; DriverStatus: [string, string][] | null };
  /** Images by reference (tag or ID) after `docker load`/`docker pull`. */
  images?: Record<string, ImageInspect>;
  /** The host port `docker port` answers (a server of the test on 127.0.0.1). */
  hostPort?: number;
  logs?: string;
  /** Answers `docker exec <c> ...argv` (default: exit 0, no output). */
  exec?: (argv: string[]) => Partial<ExecResult>;
  /** State of the target after it starts. */
  targetState?: { running: boolean; exitCode: number; health?: string };
  /** Make a command fail: matched against `docker <args>`. */
  fail?: (args: string[]) => Partial<ExecResult> | undefined;
  /** Called before answering (e.g. to abort a run in the middle). */
  onCall?: (args: string[]) => void;
}

const result = (partial: Partial<ExecResult>): ExecResult => ({
  exitCode: 0,
  signal: null,
  stdout: '',
  stderr: '',
  durationMs: 1,
  ...partial,
});

function flagValues(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag && args[i + 1] !== undefined ? [args[i + 1] as string] : []));
}

export class FakeEngine {
  readonly calls: { args: string[]; options: ExecOptions | undefined }[] = [];
  readonly containers = new Map<string, FakeContainer>();
  /** Every container ever started, removed or not. */
  readonly started: FakeContainer[] = [];
  readonly networks = new Map<string, Record<string, string>>();
  readonly options: FakeEngineOptions;
  #next = 1;

  constructor(options: FakeEngineOptions = {}) {
    this.options = options;
  }

  /** Commands as `docker a b c` strings (for readable assertions). */
  get commands(): string[] {
    return this.calls.map((c) => ['docker', ...c.args].join(' '));
  }

  readonly exec: Exec = async (command, args, options) => {
    if (command !== 'docker') throw new Error(`fake engine: unexpected command ${command}`);
    const argv = [...args];
    this.calls.push({ args: argv, options });
    this.options.onCall?.(argv);
    if (options?.signal?.aborted) throw new ExecError('docker', argv, 'docker: aborted before start');
    const failure = this.options.fail?.(argv);
    if (failure) return result({ exitCode: 1, ...failure });
    return result(this.#answer(argv));
  };

  #find(ref: string): FakeContainer | undefined {
    return this.containers.get(ref) ?? [...this.containers.values()].find((c) => c.name === ref);
  }

  #answer(args: string[]): Partial<ExecResult> {
    const [verb, sub] = args;
    const images = this.options.images ?? {};
    switch (verb) {
      case 'info':
        return {
          stdout: `${JSON.stringify(
            this.options.info ??
              (this.options.store === 'containerd'
                ? { Driver: 'overlayfs', DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']] }
                : {
                    Driver: 'overlay2',
                    DriverStatus: [
                      ['Backing Filesystem', 'extfs'],
                      ['Supports d_type', 'true'],
                    ],
                  }),
          )}\n`,
        };
      case 'load':
        return { stdout: `Loaded image: ${Object.keys(images)[0] ?? 'none'}\n` };
      case 'pull':
        return { stdout: `${args.at(-1)}\n` };
      case 'image': {
        const image = images[args.at(-1) ?? ''];
        return image
          ? { stdout: `${JSON.stringify(image)}\n` }
          : { exitCode: 1, stderr: `Error: No such image: ${args.at(-1)}\n` };
      }
      case 'network':
        if (sub === 'create') {
          const id = `net${this.#next++}`.padEnd(64, '0');
          this.networks.set(
            id,
            Object.fromEntries(flagValues(args, '--label').map((l) => l.split('=') as [string, string])),
          );
          return { stdout: `${id}\n` };
        }
        if (sub === 'ls') return { stdout: this.#labelled(this.networks, args).join('\n') };
        if (sub === 'rm') {
          for (const id of args.slice(2)) this.networks.delete(id);
          return {};
        }
        break;
      case 'run': {
        const id = `c${this.#next++}`.padEnd(64, 'a');
        const envFile = flagValues(args, '--env-file')[0];
        const name = flagValues(args, '--name')[0] ?? id;
        const isTarget = !flagValues(args, '--network-alias').length;
        const container: FakeContainer = {
          id,
          name,
          image: '',
          labels: Object.fromEntries(flagValues(args, '--label').map((l) => l.split('=') as [string, string])),
          envFile: envFile ? readFileSync(envFile, 'utf8') : undefined,
          argv: args,
          running: true,
          exitCode: 0,
          ...(isTarget && this.options.targetState ? this.options.targetState : {}),
        };
        this.containers.set(id, container);
        this.started.push(container);
        return { stdout: `${id}\n` };
      }
      case 'port':
        return { stdout: `127.0.0.1:${this.options.hostPort ?? 1}\n` };
      case 'container': {
        const c = this.#find(args.at(-1) ?? '');
        if (!c) return { exitCode: 1, stderr: 'Error: No such container\n' };
        const health = c.health === undefined ? null : { Status: c.health };
        return { stdout: `${JSON.stringify({ Running: c.running, ExitCode: c.exitCode, Health: health })}\n` };
      }
      case 'logs':
        return { stdout: this.options.logs ?? '' };
      case 'exec': {
        let i = 1;
        while (args[i]?.startsWith('--')) i += 2;
        return this.options.exec?.(args.slice(i + 1)) ?? {};
      }
      case 'ps':
        return { stdout: this.#labelled(this.containers, args).join('\n') };
      case 'rm': {
        const removed = args.filter((a) => this.containers.delete(a));
        return { stdout: removed.map((r) => `${r}\n`).join('') };
      }
    }
    throw new Error(`fake engine: unexpected docker ${args.join(' ')}`);
  }

  #labelled(items: Map<string, FakeContainer | Record<string, string>>, args: string[]): string[] {
    const filter = flagValues(args, '--filter')[0]?.replace(/^label=/, '') ?? '';
    const [key, value] = filter.split('=');
    return [...items.entries()]
      .filter(([, item]) => {
        const labels =
          'labels' in item && typeof item.labels === 'object'
            ? (item.labels as Record<string, string>)
            : (item as Record<string, string>);
        return key !== undefined && key in labels && (value === undefined || labels[key] === value);
      })
      .map(([id]) => id);
  }
}

export function imageInspect(
  id: string,
  config: Partial<ImageInspect['Config']> = {},
  repoDigests: string[] = [],
): ImageInspect {
  return { Id: id, RepoDigests: repoDigests, Config: { User: '10001', ExposedPorts: { '8080/tcp': {} }, ...config } };
}
