// A platform test run: load exactly the image named by its digest (or point at a deployed URL),
// start it with its services, wait until it is ready, run the spec's checks, write JUnit XML,
// and always remove what was started: after success, failure or cancellation.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Digest } from '@bakeline/oci';
import { errorMessage, type Logger, neutralizeWorkflowCommands } from '@bakeline/toolkit';
import type { CheckResult } from './check-result.ts';
import { runCommandCheck } from './checks/command-check.ts';
import { runFileCheck } from './checks/file-check.ts';
import { runHttpCheck } from './checks/http-check.ts';
import { runMetadataCheck } from './checks/metadata-check.ts';
import { DockerCli } from './docker-cli.ts';
import { junitXml } from './junit.ts';
import { type ImageSource, type LoadedImage, loadImage } from './load-image.ts';
import { safeText } from './log-safety.ts';
import {
  healthcheckProbe,
  httpProbe,
  type ReadinessProbe,
  resolveReadiness,
  tcpProbe,
  waitUntilReady,
} from './readiness.ts';
import type { Check, Readiness, Spec } from './spec-schema.ts';
import { type Resources, TargetEnvironment } from './target-environment.ts';

export type PlatformTarget =
  | { kind: 'image'; source: ImageSource; digest?: Digest }
  /** A deployed environment: HTTP checks only (post-deploy smoke test). */
  | { kind: 'url'; baseUrl: string };

export interface PlatformTestOptions {
  target: PlatformTarget;
  spec: Spec;
  env: Record<string, string>;
  /** Passed to the container like `env`; their values are masked in everything this reports. */
  secretEnv: Record<string, string>;
  startupTimeoutMs: number;
  keepOnFailure: boolean;
  /** Labels everything started (`io.bakeline.platform-test=<runId>`); lowercase, digits, '-'. */
  runId: string;
  workDir: string;
  junitPath: string;
  logger: Logger;
  /** Called with every container and network ID as soon as it exists (for a post step). */
  onResources?: (resources: Resources) => void;
  docker?: DockerCli;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Lines of the container log kept for the report (default 100). */
  logTail?: number;
}

export interface PlatformTestResult {
  results: CheckResult[];
  passed: number;
  failed: number;
  skipped: number;
  /** The target container's last log lines (secrets masked, commands neutralised) when something failed. */
  containerLog: string | undefined;
  readyAfterMs: number | undefined;
  image: Pick<LoadedImage, 'id' | 'digest' | 'store'> | undefined;
  cancelled: boolean;
  /** keep-on-failure left the containers running. */
  kept: boolean;
}

interface Context {
  baseUrl: string;
  container?: string;
  image?: LoadedImage;
  docker: DockerCli;
  fetch: typeof fetch;
}

function probeFor(
  readiness: Readiness,
  baseUrl: string,
  hostPorts: Map<number, number>,
  fetchFn: typeof fetch,
): ReadinessProbe {
  if (readiness.kind === 'http') return httpProbe(new URL(readiness.path, baseUrl).href, readiness.status, fetchFn);
  if (readiness.kind === 'healthcheck') return healthcheckProbe();
  const port = hostPorts.get(readiness.port ?? [...hostPorts.keys()][0] ?? 0);
  if (port === undefined) throw new Error('readiness: the TCP port is not published');
  return tcpProbe('127.0.0.1', port);
}

async function runCheck(check: Check, context: Context, secrets: string[]): Promise<CheckResult> {
  const started = performance.now();
  let problems: string[];
  try {
    if (check.kind === 'http') problems = await runHttpCheck(context.baseUrl, check.http, context.fetch);
    else if (check.kind === 'metadata')
      problems = runMetadataCheck((context.image as LoadedImage).inspect, check.metadata);
    else if (check.kind === 'file') problems = await runFileCheck(context.docker, context.container ?? '', check.file);
    else problems = await runCommandCheck(context.docker, context.container ?? '', check.command);
  } catch (error: unknown) {
    problems = [errorMessage(error)];
  }
  return {
    name: check.name,
    kind: check.kind,
    status: problems.length === 0 ? 'passed' : 'failed',
    durationMs: Math.round(performance.now() - started),
    message: safeText(problems.join('; '), secrets),
  };
}

function skipped(check: Check, message: string): CheckResult {
  return { name: check.name, kind: check.kind, status: 'skipped', durationMs: 0, message };
}

export async function runPlatformTest(options: PlatformTestOptions): Promise<PlatformTestResult> {
  const { spec, logger, signal } = options;
  const docker = options.docker ?? new DockerCli(signal ? { signal } : {});
  const fetchFn = options.fetch ?? fetch;
  const secrets = Object.values(options.secretEnv);
  const results: CheckResult[] = [];
  const startedAt = new Date().toISOString();
  const work = mkdtempSync(join(options.workDir, 'platform-test-'));
  const environment = new TargetEnvironment({
    docker,
    runId: options.runId,
    workDir: work,
    logger,
    ...(options.onResources ? { onResources: options.onResources } : {}),
    ...(signal ? { signal } : {}),
  });
  let containerLog: string | undefined;
  let readyAfterMs: number | undefined;
  let image: LoadedImage | undefined;
  let kept = false;
  const context: Partial<Context> & { docker: DockerCli; fetch: typeof fetch } = { docker, fetch: fetchFn };
  try {
    let ready = true;
    let readinessFailure = '';
    const readinessStarted = performance.now();
    try {
      if (options.target.kind === 'url') {
        context.baseUrl = options.target.baseUrl;
        logger.info(`target: ${options.target.baseUrl} (a deployed environment: only HTTP checks apply)`);
        const readiness = spec.target.readiness;
        if (readiness?.kind === 'http') {
          readyAfterMs = await waitUntilReady({
            probe: httpProbe(new URL(readiness.path, context.baseUrl).href, readiness.status, fetchFn),
            timeoutMs: options.startupTimeoutMs,
            ...(signal ? { signal } : {}),
          });
        }
      } else {
        image = await loadImage(docker, options.target.source, options.target.digest, work, logger);
        context.image = image;
        signal?.throwIfAborted();
        const readiness = resolveReadiness(spec.target.readiness, hasHealthcheck(image));
        const ports = [
          spec.target.port,
          ...(readiness.kind === 'tcp' && readiness.port && readiness.port !== spec.target.port
            ? [readiness.port]
            : []),
        ];
        const started = await environment.start({
          image: image.id,
          ports,
          env: { ...options.env, ...options.secretEnv },
          services: spec.services,
          serviceTimeoutMs: options.startupTimeoutMs,
        });
        context.container = started.container;
        context.baseUrl = `http://127.0.0.1:${started.hostPorts.get(spec.target.port)}`;
        logger.info(
          `started ${image.digest} as ${started.container.slice(0, 12)}: port ${spec.target.port} on ${context.baseUrl}`,
        );
        readyAfterMs = await waitUntilReady({
          probe: probeFor(readiness, context.baseUrl, started.hostPorts, fetchFn),
          state: () => docker.state(started.container),
          timeoutMs: options.startupTimeoutMs,
          ...(signal ? { signal } : {}),
        });
      }
      if (readyAfterMs !== undefined) logger.info(`ready after ${readyAfterMs} ms`);
    } catch (error: unknown) {
      if (!context.container && options.target.kind === 'image') throw error; // nothing ran: loading or starting failed
      ready = false;
      readinessFailure = safeText(errorMessage(error), secrets);
      results.push({
        name: 'the target becomes ready',
        kind: 'readiness',
        status: signal?.aborted ? 'skipped' : 'failed',
        durationMs: Math.round(performance.now() - readinessStarted),
        message: readinessFailure,
      });
    }
    for (const check of spec.checks) {
      if (signal?.aborted) {
        results.push(skipped(check, 'not run: cancelled'));
        continue;
      }
      if (options.target.kind === 'url' && check.kind !== 'http') {
        results.push(
          skipped(check, `not applicable: the target is a URL (${options.target.baseUrl}), not a container`),
        );
        continue;
      }
      if (!ready && check.kind !== 'metadata') {
        results.push(skipped(check, 'not run: the target did not become ready'));
        continue;
      }
      const result = await runCheck(check, context as Context, secrets);
      if (signal?.aborted) {
        results.push(skipped(check, 'not run: cancelled'));
        continue;
      }
      const mark = { passed: '✓', failed: '✗', skipped: '-' }[result.status];
      // the message quotes container output and HTTP bodies: the whole line is neutralized again
      logger.info(
        neutralizeWorkflowCommands(
          `${mark} ${result.name} (${result.kind}, ${result.durationMs} ms)${result.message ? `: ${result.message}` : ''}`,
        ),
      );
      results.push(result);
    }
    if (context.container && results.some((r) => r.status === 'failed')) {
      containerLog = safeText(await docker.logs(context.container, options.logTail ?? 100), secrets);
    }
  } finally {
    const failed = results.some((r) => r.status === 'failed');
    if (failed && options.keepOnFailure && !signal?.aborted && environment.resources.containers.length > 0) {
      kept = true;
      logger.warning(
        `keep-on-failure: the containers labelled ${environment.label} are still running; remove them with: docker rm -f $(docker ps -aq --filter label=${environment.label})`,
      );
    } else {
      const removed = await environment.remove().catch((error: unknown) => {
        logger.warning(`could not remove the containers labelled ${environment.label}: ${errorMessage(error)}`);
        return 0;
      });
      if (removed > 0) logger.info(`removed ${removed} container(s) labelled ${environment.label}`);
    }
    rmSync(work, { recursive: true, force: true });
    // No report when nothing was tested: an image that could not be loaded (a refused archive or
    // layout, a digest that does not match) fails the step before anything ran, and leaves no file.
    if (results.length > 0 || image !== undefined) {
      mkdirSync(dirname(options.junitPath), { recursive: true });
      writeFileSync(
        options.junitPath,
        junitXml(results, {
          suite: 'platform-test',
          timestamp: startedAt,
          ...(containerLog ? { systemOut: containerLog } : {}),
        }),
      );
    }
  }
  return {
    results,
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
    containerLog,
    readyAfterMs,
    image: image ? { id: image.id, digest: image.digest, store: image.store } : undefined,
    cancelled: signal?.aborted ?? false,
    kept,
  };
}

function hasHealthcheck(image: LoadedImage): boolean {
  const test = image.inspect.Config.Healthcheck?.Test ?? [];
  return test.length > 0 && test[0] !== 'NONE';
}
