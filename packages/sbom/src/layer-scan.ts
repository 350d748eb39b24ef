// What one image layer tells the SBOM, read in one streaming pass over its (gzip) tar: dpkg's
// status file and status.d/ files, os-release, whiteouts, and, for the layers this build made,
// every regular file with its sha256 and the Maven artifacts inside each JAR. Bounded: only the
// few small files it needs are held in memory, each up to a limit; the rest is hashed or skipped.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { type DpkgPackage, MAX_DPKG_STATUS_BYTES, parseDpkgStatus } from './dpkg-status.ts';
import { type MavenFinding, scanJar } from './jar-scan.ts';
import { MAX_POM_PROPERTIES_BYTES, parsePomProperties } from './pom-properties.ts';

export const MAX_JAR_BYTES = 256 * 1024 * 1024;
export const MAX_FILES_PER_LAYER = 100_000;
const MAX_OS_RELEASE_BYTES = 64 * 1024;
const STATUS = 'var/lib/dpkg/status';
const STATUS_D = 'var/lib/dpkg/status.d/';
const OS_RELEASE = ['etc/os-release', 'usr/lib/os-release'];

export interface FileRecord {
  /** Absolute path in the image. */
  path: string;
  size: number;
  sha256: string;
}

export interface LayerFindings {
  /** Installed packages of var/lib/dpkg/status, when this layer holds that file. */
  dpkgStatus?: DpkgPackage[];
  /** Packages of each var/lib/dpkg/status.d/<file> in this layer. */
  dpkgStatusD: Record<string, DpkgPackage[]>;
  /** Text of etc/os-release (or usr/lib/os-release when etc's is a link), when in this layer. */
  osRelease?: string;
  /** Paths (without `.wh.`) this layer deletes from the layers below. */
  whiteouts: string[];
  /** Directories whose lower contents this layer hides (`.wh..wh..opq`). */
  opaqueDirs: string[];
  /** Regular files (only when asked: the build's own layers). */
  files: FileRecord[];
  maven: MavenFinding[];
  warnings: string[];
}

export interface LayerScanOptions {
  /** Hash every file and read JARs (the build's own layers). */
  collectFiles: boolean;
  /** Files listed at most (default MAX_FILES_PER_LAYER); the rest are left out with one warning. */
  maxFiles?: number;
  /** Stops the scan (the pipeline is destroyed, the call rejects). */
  signal?: AbortSignal;
}

/** `./a/b` and `/a/b` -> `a/b` */
function clean(name: string): string {
  return name.replace(/^(?:\.\/|\/)+/, '').replace(/\/+$/, '');
}

async function collect(
  stream: AsyncIterable<Buffer>,
  max: number,
  hash?: ReturnType<typeof createHash>,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    hash?.update(chunk);
    size += chunk.length;
    if (size <= max) chunks.push(chunk);
  }
  return size <= max ? Buffer.concat(chunks) : undefined;
}

/** Scans the layer blob at `path` (`gzip` when its media type says so). Throws on a malformed archive. */
export async function scanLayer(path: string, gzip: boolean, options: LayerScanOptions): Promise<LayerFindings> {
  const findings: LayerFindings = {
    dpkgStatusD: {},
    whiteouts: [],
    opaqueDirs: [],
    files: [],
    maven: [],
    warnings: [],
  };
  const osRelease = new Map<string, string>();
  const maxFiles = options.maxFiles ?? MAX_FILES_PER_LAYER;
  let tooMany = false;
  const tar = extract();
  const signal = options.signal ? { signal: options.signal } : {};
  const feeding = gzip
    ? pipeline(createReadStream(path), createGunzip(), tar, signal)
    : pipeline(createReadStream(path), tar, signal);
  // a rejected pipeline also ends the iteration below with the error
  feeding.catch(() => undefined);
  for await (const entry of tar) {
    const name = clean(entry.header.name);
    const base = name.slice(name.lastIndexOf('/') + 1);
    const dir = name.slice(0, Math.max(0, name.lastIndexOf('/')));
    const type = entry.header.type;
    if (base.startsWith('.wh.')) {
      if (base === '.wh..wh..opq') findings.opaqueDirs.push(dir);
      else findings.whiteouts.push(dir === '' ? base.slice(4) : `${dir}/${base.slice(4)}`);
      entry.resume();
      continue;
    }
    if (type !== 'file' && type !== 'contiguous-file') {
      entry.resume();
      continue;
    }
    const size = entry.header.size ?? 0;
    const wantsStatus =
      name === STATUS ||
      (name.startsWith(STATUS_D) && /^[^/]+$/.test(name.slice(STATUS_D.length)) && !name.endsWith('.md5sums'));
    const wantsOs = OS_RELEASE.includes(name);
    const isJar = options.collectFiles && /\.(?:jar|war)$/i.test(name);
    // an unpacked JAR (Spring Boot's layers under /app) keeps its pom.properties as a plain file
    const isPom = options.collectFiles && /(?:^|\/)META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(name);
    const collectFile = options.collectFiles && findings.files.length < maxFiles;
    if (options.collectFiles && !collectFile && !tooMany) {
      tooMany = true;
      findings.warnings.push(`layer has more than ${maxFiles} files; the rest are not listed`);
    }
    const hash = collectFile ? createHash('sha256') : undefined;
    const limit = wantsStatus
      ? MAX_DPKG_STATUS_BYTES
      : wantsOs
        ? MAX_OS_RELEASE_BYTES
        : isJar
          ? MAX_JAR_BYTES
          : isPom
            ? MAX_POM_PROPERTIES_BYTES
            : 0;
    if (!hash && limit === 0) {
      entry.resume();
      continue;
    }
    const bytes = await collect(entry as AsyncIterable<Buffer>, limit, hash);
    if (hash) findings.files.push({ path: `/${name}`, size, sha256: hash.digest('hex') });
    if (limit > 0 && bytes === undefined) {
      findings.warnings.push(`/${name}: skipped, ${size} bytes (at most ${limit})`);
      continue;
    }
    if (!bytes || limit === 0) continue;
    if (wantsStatus) {
      const parsed = parseDpkgStatus(bytes.toString('utf8'), `/${name}`, { requireStatus: name === STATUS });
      findings.warnings.push(...parsed.warnings);
      if (name === STATUS) findings.dpkgStatus = parsed.packages;
      else findings.dpkgStatusD[name.slice(STATUS_D.length)] = parsed.packages;
    } else if (wantsOs) {
      osRelease.set(name, bytes.toString('utf8'));
    } else if (isPom) {
      try {
        findings.maven.push({ ...parsePomProperties(bytes.toString('utf8')), file: `/${name}`, location: `/${name}` });
      } catch (error: unknown) {
        findings.warnings.push(`/${name}: skipped: ${(error as Error).message}`);
      }
    } else if (isJar) {
      const scan = await scanJar(bytes, `/${name}`);
      findings.maven.push(...scan.maven);
      findings.warnings.push(...scan.warnings);
    }
  }
  await feeding;
  const os = OS_RELEASE.map((p) => osRelease.get(p)).find((t) => t !== undefined);
  if (os !== undefined) findings.osRelease = os;
  return findings;
}
