// The one Docker wrapper: every docker command bakeline runs goes through this class, over
// toolkit's exec seam (argv arrays, so a test asserts the exact command line). Parsers for what
// the CLI prints are pure functions beside it (docker-info, buildx-version, builder-inspect,
// image-inspect), in the style of docker/actions-toolkit's Docker and Buildx classes.
import { randomBytes } from 'node:crypto';
import { exec as defaultExec, type Exec, type ExecOptions, type ExecResult, execChecked } from '@bakeline/toolkit';
import { buildxArchiveArgv, buildxLoadArgv, classicBuildArgv, type DockerBuildSpec } from './build-argv.ts';
import { type BuilderInfo, parseBuilderInspect } from './builder-inspect.ts';
import { parseBuildxVersion } from './buildx-version.ts';
import { type DockerInfo, type ImageStore, parseDockerInfo } from './docker-info.ts';
import { chooseExport, type EngineCapabilities, type ExportPlan } from './export-plan.ts';
import { type ImageInspect, parseImageInspect } from './image-inspect.ts';
import { LineSplitter } from './line-splitter.ts';

export interface DockerOptions {
  exec?: Exec;
  /** The client (default `docker` on PATH). */
  command?: string;
  /** Environment of every docker command (default this process's). */
  env?: Record<string, string | undefined>;
  /** Cancels whatever command is running (it is killed) and every later one. */
  signal?: AbortSignal;
  /** A client config directory (`docker --config <dir>`): its own registry logins, not ~/.docker. */
  config?: string;
}

export interface BuildOptions {
  /** Each line the build prints, stdout and stderr, whole lines only. */
  onLine?: (line: string) => void;
  /** Prefix of the temporary tag of the load paths (default `bakeline-build-tmp`). */
  tempRepository?: string;
}

const QUERY_TIMEOUT_MS = 30_000;

export class Docker {
  private readonly execute: Exec;
  readonly command: string;
  private readonly env: Record<string, string | undefined> | undefined;
  private readonly signal: AbortSignal | undefined;
  private readonly globalArgs: readonly string[];

  constructor(options: DockerOptions = {}) {
    const exec = options.exec ?? defaultExec;
    this.globalArgs = options.config === undefined ? [] : ['--config', options.config];
    this.execute = (command, args, execOptions) => exec(command, [...this.globalArgs, ...args], execOptions);
    this.command = options.command ?? 'docker';
    this.env = options.env;
    this.signal = options.signal;
  }

  /**
   * Any docker command, as docker/actions-toolkit's `getExecOutput`: its result whatever the exit
   * code (the caller decides what a failure means). Takes the instance's signal unless
   * `abortable: false` (cleanup and reports run after a cancellation too).
   */
  cli(args: readonly string[], options: ExecOptions & { abortable?: boolean } = {}): Promise<ExecResult> {
    const { abortable = true, ...extra } = options;
    const base = abortable ? this.options() : this.env ? { env: this.env } : {};
    return this.execute(this.command, args, { ...base, ...extra });
  }

  /** `cli`, rejecting on a non-zero exit with the command and its stderr. */
  cliChecked(args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.checked(args, options);
  }

  private options(extra: ExecOptions = {}): ExecOptions {
    return {
      ...(this.env ? { env: this.env } : {}),
      ...(this.signal ? { signal: this.signal } : {}),
      ...extra,
    };
  }

  private checked(args: readonly string[], extra: ExecOptions = {}): Promise<ExecResult> {
    return execChecked(this.command, args, this.options(extra), this.execute);
  }

  /** `docker info`: version, storage driver, image store. */
  async info(): Promise<DockerInfo> {
    const result = await this.checked(['info', '--format', '{{json .}}'], { timeoutMs: QUERY_TIMEOUT_MS });
    return parseDockerInfo(result.stdout);
  }

  /** The image store, from `docker info` (see docker-info.ts): detected, never assumed. */
  async imageStore(): Promise<ImageStore> {
    return (await this.info()).imageStore;
  }

  /** `docker pull --quiet <ref>`. */
  async pull(ref: string, timeoutMs = 600_000): Promise<void> {
    await this.checked(['pull', '--quiet', ref], { timeoutMs });
  }

  /** The buildx version, or undefined when `docker buildx version` does not answer (no plugin). */
  async buildxVersion(): Promise<string | undefined> {
    this.signal?.throwIfAborted();
    const result = await this.execute(
      this.command,
      ['buildx', 'version'],
      this.options({ timeoutMs: QUERY_TIMEOUT_MS }),
    );
    return result.exitCode === 0 ? parseBuildxVersion(result.stdout) : undefined;
  }

  /** `docker buildx inspect [name]`: the current builder (or `name`) and its driver. */
  async builderInspect(name?: string): Promise<BuilderInfo> {
    const result = await this.checked(['buildx', 'inspect', ...(name ? [name] : [])], { timeoutMs: QUERY_TIMEOUT_MS });
    return parseBuilderInspect(result.stdout);
  }

  /** What this engine can do: its info, and buildx's version and current builder's driver when present. */
  async capabilities(): Promise<EngineCapabilities> {
    const info = await this.info();
    const version = await this.buildxVersion();
    if (version === undefined) return { info };
    const builder = await this.builderInspect();
    return { info, buildx: { version, builder: builder.name, driver: builder.driver } };
  }

  /** The export path for this engine (see export-plan.ts), with the reason. */
  async exportPlan(): Promise<ExportPlan & { engine: EngineCapabilities }> {
    const engine = await this.capabilities();
    return { ...chooseExport(engine), engine };
  }

  /**
   * Builds `spec` and writes its docker archive to `archivePath`, by the plan's path. The load
   * paths go through a temporary tag, removed afterwards (also on failure or cancellation).
   */
  async buildToArchive(
    spec: DockerBuildSpec,
    plan: ExportPlan,
    archivePath: string,
    options: BuildOptions = {},
  ): Promise<void> {
    const splitter = new LineSplitter(options.onLine ?? (() => {}));
    const stream: ExecOptions = { onStdout: (t) => splitter.push(t), onStderr: (t) => splitter.push(t) };
    const env = { ...(this.env ?? process.env), SOURCE_DATE_EPOCH: String(spec.sourceDateEpoch) };
    try {
      if (plan.path === 'buildx-archive') {
        await this.checked(buildxArchiveArgv(spec, archivePath), { ...stream, env });
        return;
      }
      const tag = `${options.tempRepository ?? 'bakeline-build-tmp'}:${randomBytes(6).toString('hex')}`;
      try {
        const argv = plan.path === 'buildx-load' ? buildxLoadArgv(spec, tag) : classicBuildArgv(spec, tag);
        await this.checked(argv, { ...stream, env });
        splitter.flush();
        await this.save([tag], archivePath);
      } finally {
        // the tag only; the layers stay in the engine's build cache
        await this.removeTag(tag);
      }
    } finally {
      splitter.flush();
    }
  }

  /** `docker save --output <archive> <refs...>`. */
  async save(refs: readonly string[], archivePath: string): Promise<void> {
    await this.checked(['save', '--output', archivePath, ...refs]);
  }

  /** `docker load --input <archive>`; returns what it loaded (`Loaded image: ...` lines). */
  async load(archivePath: string): Promise<string[]> {
    const result = await this.checked(['load', '--input', archivePath]);
    return result.stdout
      .split('\n')
      .map((line) => /^Loaded image(?: ID)?: (.+)$/.exec(line.trim())?.[1])
      .filter((ref): ref is string => ref !== undefined);
  }

  /** `docker image inspect`, or undefined when there is no such image. */
  async inspectImage(ref: string): Promise<ImageInspect | undefined> {
    this.signal?.throwIfAborted();
    const result = await this.execute(
      this.command,
      ['image', 'inspect', '--format', '{{json .}}', ref],
      this.options({ timeoutMs: QUERY_TIMEOUT_MS }),
    );
    if (result.exitCode !== 0) {
      if (/no such image/i.test(result.stderr)) return undefined;
      throw new Error(`docker image inspect ${ref} failed with exit code ${result.exitCode}: ${result.stderr.trim()}`);
    }
    return parseImageInspect(result.stdout);
  }

  /** `docker run --detach <args...>`; returns the container ID. */
  async run(args: readonly string[]): Promise<string> {
    const result = await this.checked(['run', '--detach', ...args]);
    return result.stdout.trim();
  }

  /** `docker rm --force --volumes <id>`; a container already gone is not an error. */
  async rm(container: string): Promise<void> {
    const result = await this.execute(this.command, ['rm', '--force', '--volumes', container], this.cleanupOptions());
    if (result.exitCode !== 0 && !/no such container/i.test(result.stderr)) {
      throw new Error(`docker rm ${container} failed with exit code ${result.exitCode}: ${result.stderr.trim()}`);
    }
  }

  /** Removes one tag (never the layers: `--no-prune`); a tag already gone is not an error. Runs even when cancelled. */
  async removeTag(tag: string): Promise<void> {
    const result = await this.execute(this.command, ['image', 'rm', '--no-prune', tag], this.cleanupOptions());
    if (result.exitCode !== 0 && !/no such image/i.test(result.stderr)) {
      throw new Error(`docker image rm ${tag} failed with exit code ${result.exitCode}: ${result.stderr.trim()}`);
    }
  }

  /** `docker tag <source> <target>`. */
  async tag(source: string, target: string): Promise<void> {
    await this.checked(['tag', source, target]);
  }

  /** Cleanup commands run after a cancellation too: no abort signal, a timeout instead. */
  private cleanupOptions(): ExecOptions {
    return { ...(this.env ? { env: this.env } : {}), timeoutMs: QUERY_TIMEOUT_MS };
  }
}
