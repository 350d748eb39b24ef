// Engine-side fixtures for integration tests: a tiny base image imported from a tar (a few files,
// no binaries). The buildx stand-in is packages/docker/test/buildx-stand-in.ts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Imports a tiny image (etc/os-release, a directory tree) once; returns its reference. */
export function tinyBaseImage(name = 'bakeline-test/tiny-base:1'): string {
  const present = execFileSync('docker', ['image', 'ls', '--quiet', name], { encoding: 'utf8' }).trim();
  if (present !== '') return name;
  const root = mkdtempSync(join(tmpdir(), 'bakeline-tiny-'));
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'tmp'), { recursive: true });
  writeFileSync(join(root, 'etc', 'os-release'), 'ID=bakeline-tiny\n');
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/nonexistent\n');
  importTree(root, 'ENV PATH=/usr/bin:/bin', name);
  return name;
}

/** A small image with a shell (busybox from Debian's busybox-static), for Dockerfiles that RUN. */
export function shellBaseImage(name = 'bakeline-test/shell-base:1'): string {
  const present = execFileSync('docker', ['image', 'ls', '--quiet', name], { encoding: 'utf8' }).trim();
  if (present !== '') return name;
  const busybox = execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim();
  const root = mkdtempSync(join(tmpdir(), 'bakeline-shell-'));
  for (const dir of ['bin', 'etc', 'tmp']) mkdirSync(join(root, dir));
  execFileSync('cp', [busybox, join(root, 'bin', 'busybox')]);
  for (const applet of ['sh', 'echo', 'printf', 'sleep', 'cat', 'head'])
    symlinkSync('busybox', join(root, 'bin', applet));
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  importTree(root, 'ENV PATH=/bin', name);
  return name;
}

/** `docker import` of a directory tree as one reproducible tar; the tree and the tar are removed after. */
function importTree(root: string, change: string, name: string): void {
  const tar = `${root}.tar`;
  try {
    execFileSync('tar', ['-C', root, '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '-cf', tar, '.']);
    execFileSync('docker', ['import', '--change', change, tar, name]);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(tar, { force: true });
  }
}
