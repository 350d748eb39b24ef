// The real Distribution registry (Debian's `docker-registry`), started on 127.0.0.1 with its
// storage in a directory of its own. Tests, benchmarks and the local cloud use it; the ECR
// stand-in fronts it.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

export interface DistributionOptions {
  /** Storage directory; a new temp directory (removed at stop) when absent. */
  storageDir?: string;
  /** Port on 127.0.0.1; a free one when absent. */
  port?: number;
  /** Allow DELETE of manifests and blobs. */
  enableDelete?: boolean;
  /** Binary to run (default: `docker-registry` on PATH). */
  binary?: string;
}

export interface Distribution {
  /** `127.0.0.1:<port>` */
  host: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  storageDir: string;
  /** Path of the registry's own log (every request it served). */
  logFile: string;
  /** The log so far. */
  readLog(): string;
  stop(): Promise<void>;
}

export async function startDistribution(options: DistributionOptions = {}): Promise<Distribution> {
  const work = mkdtempSync(join(tmpdir(), 'bakeline-registry-'));
  const storageDir = options.storageDir ?? join(work, 'storage');
  mkdirSync(storageDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const config = join(work, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: info',
      '  accesslog:',
      '    disabled: false',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${storageDir}`,
      '  delete:',
      `    enabled: ${options.enableDelete === true}`,
      '  cache:',
      '    blobdescriptor: inmemory',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '  headers:',
      '    X-Content-Type-Options: [nosniff]',
      'health:',
      '  storagedriver:',
      '    enabled: false',
      '',
    ].join('\n'),
  );
  const logFile = join(work, 'registry.log');
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(options.binary ?? 'docker-registry', ['serve', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let spawnError: Error | undefined;
  child.once('error', (e) => {
    spawnError = e;
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (spawnError) throw new Error(`registry: could not start docker-registry: ${spawnError.message}`);
    if (child.exitCode !== null) {
      throw new Error(`registry: docker-registry exited with ${child.exitCode}: ${readFileSync(logFile, 'utf8')}`);
    }
    try {
      const res = await fetch(`${url}/v2/`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`registry: no answer on ${url}/v2/ within 20 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    host: `127.0.0.1:${port}`,
    url,
    port,
    storageDir,
    logFile,
    readLog: () => readFileSync(logFile, 'utf8'),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      log.end();
      if (options.storageDir === undefined) rmSync(work, { recursive: true, force: true });
    },
  };
}
