// Installs an Apache Maven release into the runner's tool cache: download the archive (and its
// .sha512 unless the digest is given), check the SHA-512 before anything is unpacked, unpack, and
// cache. A digest that does not match leaves nothing in the cache and says which URL, which
// digest was expected and which one came.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@bakeline/toolkit';
import { type MavenDistribution, mavenDistribution, parseSha512File } from './maven-distribution.ts';
import type { ToolCache } from './tool-cache.ts';

export interface MavenInstallOptions {
  version: string;
  /** Base URL laid out like Apache's archive (see maven-distribution.ts). */
  mirror: string;
  /** The expected digest (hex); else read from `<archive URL>.sha512`. */
  sha512?: string;
  toolCache: ToolCache;
  /** A scratch directory of this run (downloads and the unpacked tree; the caller removes it). */
  scratchDir: string;
  logger: Logger;
}

export interface InstalledMaven {
  version: string;
  /** MAVEN_HOME in the tool cache. */
  home: string;
  /** `<home>/bin/mvn` */
  mvn: string;
  /** Where it came from; undefined when the tool cache had it already. */
  url: string | undefined;
}

export class ChecksumMismatchError extends Error {
  readonly url: string;
  readonly expected: string;
  readonly actual: string;
  constructor(url: string, expected: string, actual: string) {
    super(
      `Maven download refused: the SHA-512 of ${url} does not match; expected ${expected}, got ${actual}. Nothing was installed; check 'maven-mirror' and 'maven-sha512'`,
    );
    this.name = 'ChecksumMismatchError';
    this.url = url;
    this.expected = expected;
    this.actual = actual;
  }
}

async function sha512File(path: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function download(toolCache: ToolCache, url: string, dest: string): Promise<string> {
  try {
    return await toolCache.download(url, dest);
  } catch (error: unknown) {
    throw new Error(`could not download ${url}`, { cause: error });
  }
}

async function expectedDigest(options: MavenInstallOptions, dist: MavenDistribution, dir: string): Promise<string> {
  if (options.sha512) return options.sha512;
  const file = await download(options.toolCache, dist.sha512Url, join(dir, 'archive.tar.gz.sha512'));
  return parseSha512File(readFileSync(file, 'utf8'), dist.sha512Url);
}

export async function installMaven(options: MavenInstallOptions): Promise<InstalledMaven> {
  const { version, toolCache, logger } = options;
  const cached = await toolCache.find('maven', version);
  if (cached) {
    logger.info(`Maven ${version} from the tool cache: ${cached}`);
    return { version, home: cached, mvn: join(cached, 'bin', 'mvn'), url: undefined };
  }
  const dist = mavenDistribution(options.mirror, version);
  const dir = join(options.scratchDir, 'maven-download');
  mkdirSync(dir, { recursive: true });
  try {
    logger.info(`downloading Maven ${version} from ${dist.url}`);
    const expected = await expectedDigest(options, dist, dir);
    const archive = await download(toolCache, dist.url, join(dir, 'archive.tar.gz'));
    const actual = await sha512File(archive);
    if (actual !== expected) throw new ChecksumMismatchError(dist.url, expected, actual);
    logger.info(`SHA-512 ${actual} matches ${options.sha512 ? "'maven-sha512'" : dist.sha512Url}`);
    const unpacked = await toolCache.extractTar(archive, join(dir, 'unpacked'));
    const top = join(unpacked, dist.topDirectory);
    if (!existsSync(join(top, 'bin', 'mvn'))) {
      throw new Error(
        `${dist.url}: the archive holds no ${dist.topDirectory}/bin/mvn; is it an Apache Maven binary distribution?`,
      );
    }
    const home = await toolCache.cacheDir(top, 'maven', version);
    logger.info(`Maven ${version} installed in ${home}`);
    return { version, home, mvn: join(home, 'bin', 'mvn'), url: dist.url };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
