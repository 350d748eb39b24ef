// The local cloud as one process:
//   node packages/local-cloud/src/cli.ts start --state-dir <dir> [options]   (idempotent; prints endpoints.json)
//   node packages/local-cloud/src/cli.ts stop --state-dir <dir>
//   node packages/local-cloud/src/cli.ts endpoints --state-dir <dir>
//   node packages/local-cloud/src/cli.ts serve --state-dir <dir> [options]   (foreground; what start runs)
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkComponents, describeProblems, OUTSIDE_THE_CLOUD } from './cloud/health/component-health.ts';
import { type PipelineIamSource, startLocalCloud } from './cloud/start-local-cloud.ts';
import {
  isAlive,
  logFile,
  type RunningCloud,
  readEndpoints,
  removeEndpoints,
  writeEndpoints,
} from './cloud/state-files.ts';

const USAGE = `usage: node packages/local-cloud/src/cli.ts <start|stop|endpoints|serve> --state-dir <dir>
  [--region us-east-1] [--account-id 123456789012] [--github-repository owner/name]
  [--scan-delay-ms 2000] [--no-kube] [--timeout-seconds 90]
  [--pipeline-iam terraform-snapshot|terraform] [--namespaces dev,test,prod]`;

const OPTIONS = {
  'state-dir': { type: 'string' },
  region: { type: 'string' },
  'account-id': { type: 'string' },
  'github-repository': { type: 'string' },
  'scan-delay-ms': { type: 'string' },
  'no-kube': { type: 'boolean', default: false },
  'timeout-seconds': { type: 'string' },
  'pipeline-iam': { type: 'string' },
  namespaces: { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function integer(values: Values, name: 'scan-delay-ms' | 'timeout-seconds', fallback: number): number {
  const text = values[name];
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new Error(`--${name}: got '${text}'; expected a whole number`);
  return Number(text);
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

async function start(stateDir: string, values: Values, argv: readonly string[]): Promise<number> {
  integer(values, 'scan-delay-ms', 2000);
  pipelineIam(values);
  namespaces(values);
  const running = readEndpoints(stateDir);
  if (running && isAlive(running.pid)) {
    const health = await checkComponents(running);
    const problems = describeProblems(health);
    if (problems.length === 0) {
      process.stderr.write(`local cloud already running (pid ${running.pid}); every component answers\n`);
      process.stdout.write(`${JSON.stringify(running, null, 2)}\n`);
      return 0;
    }
    if (health.some((h) => h.problem !== undefined && OUTSIDE_THE_CLOUD.includes(h.name))) {
      throw new Error(`local cloud (pid ${running.pid}): not every component answers:\n  ${problems.join('\n  ')}`);
    }
    process.stderr.write(
      `local cloud (pid ${running.pid}): not every component answers:\n  ${problems.join('\n  ')}\n` +
        `local cloud: restarting it; what it holds is kept in ${stateDir}\n`,
    );
    await stopServing(running, 30);
  } else if (running) {
    // the serving process died: its registry may still run, holding its port and storage
    const orphan = running.pids?.distribution;
    if (orphan !== undefined && isAlive(orphan)) process.kill(orphan, 'SIGTERM');
  }
  removeEndpoints(stateDir);
  mkdirSync(stateDir, { recursive: true });
  const log = openSync(logFile(stateDir), 'a');
  const serveArgs = ['serve', ...argv.filter((a) => a !== 'start')];
  const child = spawn(process.execPath, [new URL(import.meta.url).pathname, ...serveArgs], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  child.unref();
  const deadline = Date.now() + integer(values, 'timeout-seconds', 90) * 1000;
  for (;;) {
    const ready = readEndpoints(stateDir);
    if (ready && ready.pid === child.pid) {
      const problems = describeProblems(await checkComponents(ready));
      if (problems.length > 0) {
        throw new Error(
          `local cloud (pid ${ready.pid}) started, but not every component answers:\n  ${problems.join('\n  ')}\n` +
            `see ${logFile(stateDir)}; stop it (stop --state-dir ${stateDir}) and start it again`,
        );
      }
      process.stdout.write(`${JSON.stringify(ready, null, 2)}\n`);
      return 0;
    }
    if (child.exitCode !== null || (child.pid !== undefined && !isAlive(child.pid))) {
      const tail = readFileSync(logFile(stateDir), 'utf8').split('\n').slice(-30).join('\n');
      throw new Error(
        `local cloud: the serving process exited before it was ready; its log (${logFile(stateDir)}):\n${tail}`,
      );
    }
    if (Date.now() > deadline) {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      throw new Error(`local cloud: not ready within the timeout; see ${logFile(stateDir)}`);
    }
    await sleep(200);
  }
}

function pipelineIam(values: Values): PipelineIamSource | undefined {
  const value = values['pipeline-iam'];
  if (value === undefined || value === 'terraform' || value === 'terraform-snapshot') return value;
  throw new Error(`--pipeline-iam: got '${value}'; expected terraform-snapshot or terraform`);
}

function namespaces(values: Values): string[] | undefined {
  const text = values.namespaces;
  if (text === undefined) return undefined;
  const names = text.split(',');
  const bad = names.find((n) => !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(n));
  if (bad !== undefined)
    throw new Error(`--namespaces: got '${bad}'; expected Kubernetes namespace names, comma-separated`);
  return names;
}

async function serve(stateDir: string, values: Values): Promise<number> {
  const iamFrom = pipelineIam(values);
  const spaces = namespaces(values);
  const cloud = await startLocalCloud({
    ...(iamFrom !== undefined ? { pipelineIam: iamFrom } : {}),
    ...(spaces !== undefined ? { namespaces: spaces } : {}),
    stateDir,
    ...(values.region !== undefined ? { region: values.region } : {}),
    ...(values['account-id'] !== undefined ? { accountId: values['account-id'] } : {}),
    ...(values['github-repository'] !== undefined ? { githubRepository: values['github-repository'] } : {}),
    scanDelayMs: integer(values, 'scan-delay-ms', 2000),
    kube: !values['no-kube'],
    log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
  });
  writeEndpoints(stateDir, { ...cloud.endpoints, pid: process.pid, startedAt: new Date().toISOString() });
  process.stderr.write(`${new Date().toISOString()} local cloud ready (pid ${process.pid})\n`);
  await new Promise<void>((resolveStop) => {
    const onSignal = (signal: string) => {
      process.stderr.write(`${new Date().toISOString()} ${signal}: stopping\n`);
      resolveStop();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  await cloud.stop();
  const current = readEndpoints(stateDir);
  if (current?.pid === process.pid) removeEndpoints(stateDir);
  return 0;
}

/** SIGTERM (the serving process saves its state and stops its components), SIGKILL after the timeout. */
async function stopServing(running: RunningCloud, timeoutSeconds: number): Promise<void> {
  process.kill(running.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (isAlive(running.pid)) {
    if (Date.now() > deadline) {
      process.kill(running.pid, 'SIGKILL');
      break;
    }
    await sleep(100);
  }
  const registry = running.pids?.distribution;
  if (registry !== undefined && isAlive(registry)) process.kill(registry, 'SIGKILL');
}

async function stop(stateDir: string, values: Values): Promise<number> {
  const running = readEndpoints(stateDir);
  if (!running || !isAlive(running.pid)) {
    removeEndpoints(stateDir);
    process.stderr.write('local cloud: not running\n');
    return 0;
  }
  await stopServing(running, integer(values, 'timeout-seconds', 30));
  removeEndpoints(stateDir);
  process.stderr.write(`local cloud: stopped (pid ${running.pid})\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  const command = positionals[0];
  if (values.help || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (values['state-dir'] === undefined) throw new Error(`--state-dir is required\n${USAGE}`);
  const stateDir = resolve(values['state-dir']);
  switch (command) {
    case 'start':
      return start(stateDir, values, argv);
    case 'serve':
      return serve(stateDir, values);
    case 'stop':
      return stop(stateDir, values);
    case 'endpoints': {
      const running = readEndpoints(stateDir);
      if (!running || !isAlive(running.pid)) throw new Error(`local cloud: not running in ${stateDir}`);
      process.stdout.write(`${JSON.stringify(running, null, 2)}\n`);
      return 0;
    }
    default:
      throw new Error(`unknown command '${command}'\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
