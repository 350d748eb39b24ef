// A platform test run: load exactly the image named by its digest, start it with runtime
// configuration from environment variables only (ports on 127.0.0.1), wait until it is ready,
// run the spec's checks, write JUnit XML, and always remove what was started (labelled).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Digest } from '@bakeline/oci';
import { errorMessage, type Logger, neutralizeWorkflowCommands } from '@bakeline/toolkit';
import type { CheckResult } from './check-result.ts';
import { runCommandCheck, runFileCheck } from './checks/container-checks.ts';
import { runHttpCheck } from './checks/http-check.ts';
import { runMetadataCheck } from './checks/metadata-check.ts';
import { DockerCli, type ImageInspect } from './docker-cli.ts';
import { junitXml } from './junit.ts';
import { type ImageSource, loadImage } from './load-image.ts';
import { waitUntilReady } from './readiness.ts';
import { type Check, kindOf, type Spec } from './spec-schema.ts';

export const LABEL = 'io.bakeline.platform-test';

export interface PlatformTestOptions {
  /** The image to test; absent when `baseUrl` points at a deployed environment. */
  source?: ImageSource;
  digest?: Digest;
  baseUrl?: string;
  spec: Spec;
  env: Record<string, string>;
  secretEnv: Record<string, string>;
  startupTimeoutMs: number;
  keepOnFailure: boolean;
  /** Value of the label on everything started, for cleanup (also by the post step). */
  runId: string;
  workDir: string;
  junitPath: string;
  logger: Logger;
  docker?: DockerCli;
  signal?: AbortSignal;
}

export interface PlatformTestResult {
  results: CheckResult[];
  passed: number;
  failed: number;
  skipped: number;
  /** The container's last log lines (secrets masked), when something failed. */
  containerLog: string | undefined;
  readyAfterMs: number | undefined;
}

export function maskSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s.length >= 3) out = out.split(s).join('***');
  return neutralizeWorkflowCommands(out);
}

async function timed(check: Check, run: () => Promise<string[]>): Promise<CheckResult> {
  const started = performance.now();
  let problems: string[];
  try {
    problems = await run();
  } catch (error: unknown) {
    problems = [errorMessage(error)];
  }
  return {
    name: check.name,
    kind: kindOf(check),
    status: problems.length === 0 ? 'passed' : 'failed',
    durationMs: Math.round(performance.now() - started),
    message: problems.join('; '),
  };
}

function writeEnvFile(dir: string, env: Record<string, string>): string {
  const file = join(dir, 'container.env');
  for (const [k, v] of Object.entries(env)) {
    if (/[\r\n]/.test(v)) throw new Error(`environment variable ${k}: a value cannot span lines`);
  }
  writeFileSync(
    file,
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
    { mode: 0o600 },
  );
  chmodSync(file, 0o600);
  return file;
}

export async function runPlatformTest(options: PlatformTestOptions): Promise<PlatformTestResult> {
  const { spec, logger } = options;
  const docker = options.docker ?? new DockerCli();
  const label = `${LABEL}=${options.runId}`;
  const secrets = Object.values(options.secretEnv);
  const results: CheckResult[] = [];
  let containerLog: string | undefined;
  let readyAfterMs: number | undefined;
  let container: string | undefined;
  let failedEarly = false;
  const work = mkdtempSync(join(options.workDir, 'platform-test-'));
  try {
    let baseUrl = options.baseUrl;
    let inspect: ImageInspect | undefined;
    if (!baseUrl) {
      if (!options.source) throw new Error('platform test: give an image (layout, archive or image) or a base URL');
      const image = await loadImage(docker, options.source, options.digest, work, logger);
      inspect = await docker.inspectImage(image.ref);
      let network: string | undefined;
      if (spec.services.length > 0) {
        network = `bakeline-pt-${options.runId}`.slice(0, 60);
        await docker.run(['network', 'create', '--label', label, network]);
        for (const service of spec.services) {
          const envArgs = Object.entries(service.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
          await docker.run([
            'run',
            '-d',
            '--label',
            label,
            '--network',
            network,
            '--network-alias',
            service.name,
            '--name',
            `${network}-${service.name}`,
            ...envArgs,
            service.image,
          ]);
          logger.info(`started service ${service.name} (${service.image})`);
        }
      }
      const envFile = writeEnvFile(work, { ...options.env, ...options.secretEnv });
      try {
        container = await docker.run([
          'run',
          '-d',
          '--label',
          label,
          '--env-file',
          envFile,
          '-p',
          `127.0.0.1::${spec.target.port}`,
          ...(network ? ['--network', network] : []),
          image.ref,
        ]);
      } finally {
        rmSync(envFile, { force: true });
      }
      const hostPort = await docker.hostPort(container, spec.target.port);
      baseUrl = `http://127.0.0.1:${hostPort}`;
      logger.info(`started ${image.ref} as ${container.slice(0, 12)}, port ${spec.target.port} on ${baseUrl}`);
      try {
        readyAfterMs = await waitUntilReady(
          docker,
          container,
          hostPort,
          spec.target.readiness,
          options.startupTimeoutMs,
          options.signal,
        );
        logger.info(`ready after ${readyAfterMs} ms`);
      } catch (error: unknown) {
        failedEarly = true;
        results.push({
          name: 'container becomes ready',
          kind: 'http',
          status: 'failed',
          durationMs: options.startupTimeoutMs,
          message: errorMessage(error),
        });
      }
    }
    if (!failedEarly) {
      for (const check of spec.checks) {
        if (options.signal?.aborted) break;
        const kind = kindOf(check);
        if (kind !== 'http' && (!container || !inspect)) {
          results.push({
            name: check.name,
            kind,
            status: 'skipped',
            durationMs: 0,
            message: 'not applicable: the target is a URL, not a container',
          });
          continue;
        }
        const c = container ?? '';
        const image = inspect as ImageInspect;
        const result = await timed(check, async () => {
          if ('http' in check) return runHttpCheck(baseUrl ?? '', check.http);
          if ('metadata' in check) return runMetadataCheck(image, check.metadata);
          if ('file' in check) return runFileCheck(docker, c, check.file);
          return runCommandCheck(docker, c, check.command);
        });
        result.message = maskSecrets(result.message, secrets);
        logger.info(
          `${result.status === 'passed' ? '✓' : '✗'} ${result.name} (${result.kind}, ${result.durationMs} ms)${result.message ? `: ${result.message}` : ''}`,
        );
        results.push(result);
      }
    }
    if (container && results.some((r) => r.status === 'failed')) {
      containerLog = maskSecrets(await docker.logs(container, 100), secrets);
    }
  } finally {
    const failed = results.some((r) => r.status === 'failed');
    if (!(failed && options.keepOnFailure)) {
      const removed = await docker.removeLabelled(label).catch((error: unknown) => {
        logger.warning(`could not remove the containers labelled ${label}: ${errorMessage(error)}`);
        return 0;
      });
      if (removed > 0) logger.info(`removed ${removed} container(s) labelled ${label}`);
    } else {
      logger.warning(
        `keep-on-failure: left the containers labelled ${label}; remove them with: docker rm -f $(docker ps -aq --filter label=${label})`,
      );
    }
    rmSync(work, { recursive: true, force: true });
    writeFileSync(options.junitPath, junitXml('platform-test', results));
  }
  return {
    results,
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
    containerLog,
    readyAfterMs,
  };
}
