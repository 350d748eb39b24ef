// A tiny HTTP-serving image for tests of the cluster stand-in, made without any registry:
// Debian's busybox-static binary plus a few files, `docker import`ed, pushed to a registry on
// 127.0.0.1, and removed from the engine again so that a pod has to pull it by digest.
// `busybox httpd -f -p 8080 -h /www` serves the files.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exec as defaultExec, type Exec, execChecked } from '@bakeline/toolkit';

export interface BusyboxImageOptions {
  /** registry host, `127.0.0.1:<port>` */
  registry: string;
  repository: string;
  tag: string;
  /** files under the image root, e.g. `{ 'www/actuator/health': '{"status":"UP"}' }` */
  files?: Record<string, string>;
  /** path of the static busybox (default /bin/busybox from busybox-static) */
  busybox?: string;
  /** image config labels (`docker import --change LABEL ...`) */
  labels?: Record<string, string>;
  /** docker login before the push (a registry that wants credentials) */
  login?: { username: string; password: string };
  exec?: Exec;
}

export interface BusyboxImage {
  /** `<registry>/<repository>@sha256:...` */
  ref: string;
  digest: string;
  tagged: string;
}

export const BUSYBOX_HTTPD = ['/bin/busybox', 'httpd', '-f', '-p', '8080', '-h', '/www'];

export async function buildBusyboxImage(options: BusyboxImageOptions): Promise<BusyboxImage> {
  const run = options.exec ?? defaultExec;
  const busybox = options.busybox ?? '/bin/busybox';
  if (!existsSync(busybox)) {
    throw new Error(`busybox image: ${busybox} not found; install Debian's busybox-static`);
  }
  const work = mkdtempSync(join(tmpdir(), 'bakeline-busybox-'));
  const config = mkdtempSync(join(tmpdir(), 'bakeline-busybox-docker-'));
  try {
    const root = join(work, 'root');
    mkdirSync(join(root, 'bin'), { recursive: true });
    mkdirSync(join(root, 'tmp'), { recursive: true });
    copyFileSync(busybox, join(root, 'bin', 'busybox'));
    for (const [path, content] of Object.entries(options.files ?? {})) {
      const target = join(root, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    const tar = join(work, 'rootfs.tar');
    await execChecked(
      'tar',
      ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-C', root, '-cf', tar, '.'],
      {},
      run,
    );
    const tagged = `${options.registry}/${options.repository}:${options.tag}`;
    const docker = (args: string[], input?: string) =>
      execChecked('docker', ['--config', config, ...args], input === undefined ? {} : { input }, run);
    const labels = Object.entries(options.labels ?? {}).flatMap(([k, v]) => [
      '--change',
      `LABEL ${JSON.stringify(k)}=${JSON.stringify(v)}`,
    ]);
    await docker(['import', '--change', `CMD ${JSON.stringify(BUSYBOX_HTTPD)}`, ...labels, tar, tagged]);
    if (options.login)
      await docker(
        ['login', '--username', options.login.username, '--password-stdin', options.registry],
        options.login.password,
      );
    await docker(['push', tagged]);
    const inspect = await docker(['image', 'inspect', '--format', '{{json .RepoDigests}}', tagged]);
    const digests = JSON.parse(inspect.stdout.trim()) as string[];
    const ref = digests.find((d) => d.startsWith(`${options.registry}/${options.repository}@`));
    if (!ref) throw new Error(`busybox image: no repo digest for ${tagged} after the push`);
    await docker(['image', 'rm', '--force', tagged]);
    return { ref, digest: ref.slice(ref.indexOf('@') + 1), tagged };
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(config, { recursive: true, force: true });
  }
}
