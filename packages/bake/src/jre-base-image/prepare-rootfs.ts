// Makes the root filesystem of the JRE base image with debootstrap, then removes what an image
// should not carry: apt's downloaded packages and lists, logs with timestamps, device nodes (the
// runtime provides /dev), and the build host's hostname and resolver.
import { existsSync, lstatSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec as defaultExec, type Exec, execChecked, type Logger } from '@bakeline/toolkit';
import type { BaseImageInputs } from './base-image-key.ts';

export interface PreparedRootfs {
  dir: string;
  javaHome: string;
}

export async function prepareRootfs(
  inputs: BaseImageInputs,
  dir: string,
  options: { logger: Logger; exec?: Exec },
): Promise<PreparedRootfs> {
  const run = options.exec ?? defaultExec;
  const args = [
    `--variant=${inputs.variant}`,
    `--include=${inputs.packages.join(',')}`,
    `--arch=${inputs.debianArchitecture}`,
    inputs.suite,
    dir,
    inputs.mirror,
  ];
  options.logger.info(`debootstrap ${args.join(' ')}`);
  let lines = 0;
  await execChecked(
    'debootstrap',
    args,
    {
      timeoutMs: 20 * 60_000,
      onStdout: (text) => {
        lines += text.split('\n').length - 1;
        if (lines % 50 === 0) options.logger.debug(text.trimEnd());
      },
    },
    run,
  );
  cleanRootfs(dir);
  return { dir, javaHome: findJavaHome(dir) };
}

/** Empties a directory's contents but keeps the directory (and the names listed in `keep`). */
function emptyDir(dir: string, keep: readonly string[] = []): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (keep.includes(name)) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
  }
}

function removeFiles(dir: string, predicate: (name: string) => boolean): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) removeFiles(path, predicate);
    else if (predicate(name)) rmSync(path, { force: true });
  }
}

export function cleanRootfs(dir: string): void {
  emptyDir(join(dir, 'dev'));
  emptyDir(join(dir, 'proc'));
  emptyDir(join(dir, 'sys'));
  emptyDir(join(dir, 'run'));
  emptyDir(join(dir, 'tmp'));
  emptyDir(join(dir, 'var', 'tmp'));
  emptyDir(join(dir, 'var', 'cache', 'apt', 'archives'), ['partial']);
  emptyDir(join(dir, 'var', 'cache', 'apt', 'archives', 'partial'));
  removeFiles(join(dir, 'var', 'cache', 'apt'), (name) => name.endsWith('.bin'));
  emptyDir(join(dir, 'var', 'lib', 'apt', 'lists'), ['partial']);
  removeFiles(join(dir, 'var', 'log'), () => true);
  removeFiles(join(dir, 'var', 'cache', 'debconf'), (name) => name.endsWith('-old'));
  rmSync(join(dir, 'var', 'cache', 'ldconfig', 'aux-cache'), { force: true });
  rmSync(join(dir, 'debootstrap'), { recursive: true, force: true });
  // the engine bind-mounts these at run time; the build host's values must not leak into the image
  for (const file of ['hostname', 'resolv.conf']) writeFileSync(join(dir, 'etc', file), '');
}

/** `/usr/lib/jvm/java-<n>-openjdk-<arch>` (the real directory, not the `java-1.<n>` alias link). */
export function findJavaHome(rootfs: string): string {
  const jvm = join(rootfs, 'usr', 'lib', 'jvm');
  const candidates = existsSync(jvm)
    ? readdirSync(jvm, { withFileTypes: true }).filter((e) => e.isDirectory() && /^java-\d+-openjdk-/.test(e.name))
    : [];
  for (const entry of candidates.sort((a, b) => a.name.localeCompare(b.name))) {
    if (existsSync(join(jvm, entry.name, 'bin', 'java'))) return `/usr/lib/jvm/${entry.name}`;
  }
  throw new Error(`base image: no JRE found under ${jvm} (expected java-<n>-openjdk-<arch>/bin/java)`);
}
