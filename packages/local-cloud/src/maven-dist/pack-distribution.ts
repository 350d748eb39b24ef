// An Apache Maven binary distribution made from the machine's own Maven, laid out like Apache's
// archive: `<root>/maven-<major>/<version>/binaries/apache-maven-<version>-bin.tar.gz` and its
// `.sha512` (the hex digest alone, as Apache publishes it for recent releases). Distributions of
// Maven from Linux packages keep lib/ as symlinks into a shared Java directory: they are followed,
// so the archive holds real files, as Apache's does.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface MachineMaven {
  version: string;
  /** MAVEN_HOME, from `mvn -v`. */
  home: string;
}

export interface PackedDistribution {
  version: string;
  /** The directory to serve (the archive's base URL maps to it). */
  root: string;
  /** Path of the archive under `root`, with `/` separators. */
  archivePath: string;
  archive: string;
  sha512: string;
}

/** The version and home of the `mvn` on PATH, from `mvn -v` (never a hard-coded path). */
export function machineMaven(mvn = 'mvn'): MachineMaven {
  const output = execFileSync(mvn, ['-v', '-B'], { encoding: 'utf8', timeout: 60_000 });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes Maven may print
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  const version = /^Apache Maven (\S+)/m.exec(plain)?.[1];
  const home = /^Maven home: (.+)$/m.exec(plain)?.[1]?.trim();
  if (!version || !home) throw new Error(`mvn -v: no "Apache Maven <version>" and "Maven home:" lines in:\n${plain}`);
  return { version, home };
}

/** Packs `maven.home` as apache-maven-<version>-bin.tar.gz under a new `root` (default a temp dir). */
export function packMavenDistribution(
  maven: MachineMaven,
  root = mkdtempSync(join(tmpdir(), 'maven-dist-')),
): PackedDistribution {
  const { version } = maven;
  const major = version.split('.')[0] ?? '';
  const archivePath = `maven-${major}/${version}/binaries/apache-maven-${version}-bin.tar.gz`;
  const archive = join(root, ...archivePath.split('/'));
  const stage = mkdtempSync(join(tmpdir(), 'maven-dist-stage-'));
  try {
    const top = `apache-maven-${version}`;
    // tar -h follows every symlink, the top one included: the archive holds only real files.
    // (fs.cpSync's `dereference` keeps links below the top, rewritten to absolute paths of this
    // machine: an archive that works only where it was made.)
    symlinkSync(maven.home, join(stage, top));
    mkdirSync(join(archive, '..'), { recursive: true });
    execFileSync('tar', ['-czhf', archive, '--hard-dereference', '--owner=0', '--group=0', '-C', stage, top], {
      timeout: 120_000,
    });
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  const sha512 = createHash('sha512').update(readFileSync(archive)).digest('hex');
  writeFileSync(`${archive}.sha512`, `${sha512}\n`);
  return { version, root, archivePath, archive, sha512 };
}
