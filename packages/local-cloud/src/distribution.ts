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
  /** Require authentication: Basic against an htpasswd file (bcrypt entries), or Bearer tokens from an issuer. */
  auth?: DistributionAuth;
}

export type DistributionAuth =
  | { htpasswd: { /** An htpasswd file with bcrypt hashes. */ path: string; realm?: string } }
  | {
      token: {
        /** URL of the token issuer the registry sends clients to. */
        realm: string;
        /** `service` of the challenge; the token's `aud`. */
        service: string;
        /** The token's `iss`. */
        issuer: string;
        /** PEM certificates; a token must be signed by a key whose certificate (`x5c`) chains to one. */
        rootCertBundle: string;
      };
    };

function authConfig(auth: DistributionAuth | undefined): string[] {
  if (auth === undefined) return [];
  if ('htpasswd' in auth) {
    return [
      'auth:',
      '  htpasswd:',
      `    realm: ${JSON.stringify(auth.htpasswd.realm ?? 'bakeline')}`,
      `    path: ${JSON.stringify(auth.htpasswd.path)}`,
    ];
  }
  const { realm, service, issuer, rootCertBundle } = auth.token;
  return [
    'auth:',
    '  token:',
    `    realm: ${JSON.stringify(realm)}`,
    `    service: ${JSON.stringify(service)}`,
    `    issuer: ${JSON.stringify(issuer)}`,
    `    rootcertbundle: ${JSON.stringify(rootCertBundle)}`,
  ];
}

export interface Distribution {
  /** `127.0.0.1:<port>` */
  host: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Process id of the registry. */
  pid: number;
  storageDir: string;
  /** Path of the registry's own log (every request it served). */
  logFile: string;
  /** The log so far; after stop(), the whole log (its file is removed with the rest). */
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
      ...authConfig(options.auth),
      '',
    ].join('\n'),
  );
  const logFile = join(work, 'registry.log');
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(options.binary ?? 'docker-registry', ['serve', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // both streams into one file: neither may end it (the first to close would, and the other's
  // last lines would be written after the end); 'close' comes once both are drained
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
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
      // 401: listening, and asking for the credentials it was configured with
      if (res.status === 200 || (options.auth !== undefined && res.status === 401)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`registry: no answer on ${url}/v2/ within 20 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  let finalLog: string | undefined;
  return {
    host: `127.0.0.1:${port}`,
    url,
    port,
    pid: child.pid ?? 0,
    storageDir,
    logFile,
    readLog: () => finalLog ?? readFileSync(logFile, 'utf8'),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await closed;
      clearTimeout(timer);
      await new Promise<void>((resolve) => log.end(resolve));
      finalLog = readFileSync(logFile, 'utf8');
      // the config and the log (readLog() keeps answering with it); a storageDir given by the
      // caller is not in it and stays
      rmSync(work, { recursive: true, force: true });
    },
  };
}
