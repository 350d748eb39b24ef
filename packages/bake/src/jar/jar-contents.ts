// What a JAR holds, read from its central directory (never unpacked to disk): its entries, its
// manifest's main attributes, and whether it is a Spring Boot fat JAR (BOOT-INF/lib + classes),
// which the jar builder splits into a dependencies layer and an application layer.
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

export interface JarEntry {
  /** Path inside the JAR, without a leading `/`; directories end in `/`. */
  name: string;
  directory: boolean;
  size: number;
  /** Unix mode bits from the zip's external attributes, when the zip tool recorded them. */
  mode: number | undefined;
}

export interface JarContents {
  path: string;
  entries: JarEntry[];
  /** Main attributes of META-INF/MANIFEST.MF (continuation lines joined). */
  manifest: Record<string, string>;
  springBootFatJar: boolean;
  /** Opens one entry's (decompressed) bytes. Call `close()` when done. */
  open(name: string): Promise<Readable>;
  close(): void;
}

/** Parses the main section of a JAR manifest (up to the first blank line). */
export function parseJarManifest(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  let last: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') break;
    if (line.startsWith(' ') && last !== undefined) {
      attributes[last] += line.slice(1);
      continue;
    }
    const colon = line.indexOf(': ');
    if (colon <= 0) continue;
    last = line.slice(0, colon);
    attributes[last] = line.slice(colon + 2);
  }
  return attributes;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function readJar(path: string): Promise<JarContents> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, strictFileNames: true });
  } catch (error: unknown) {
    throw new Error(`jar: cannot read ${path} as a zip archive: ${(error as Error).message}`, { cause: error });
  }
  const byName = new Map<string, yauzl.Entry>();
  const entries: JarEntry[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      if (byName.has(entry.fileName)) throw new Error(`jar: ${path} holds ${entry.fileName} twice`);
      byName.set(entry.fileName, entry);
      const unixMode = entry.externalFileAttributes >>> 16;
      entries.push({
        name: entry.fileName,
        directory: entry.fileName.endsWith('/'),
        size: entry.uncompressedSize,
        mode: unixMode === 0 ? undefined : unixMode & 0o7777,
      });
    }
  } catch (error: unknown) {
    zip.close();
    throw new Error(`jar: cannot list ${path}: ${(error as Error).message}`, { cause: error });
  }
  const open = async (name: string): Promise<Readable> => {
    const entry = byName.get(name);
    if (!entry) throw new Error(`jar: ${path} has no entry ${name}`);
    return zip.openReadStreamPromise(entry);
  };
  const manifestEntry = byName.get('META-INF/MANIFEST.MF');
  const manifest = manifestEntry
    ? parseJarManifest((await readAll(await open('META-INF/MANIFEST.MF'))).toString('utf8'))
    : {};
  const springBootFatJar = entries.some(
    (e) => e.name.startsWith('BOOT-INF/lib/') || e.name.startsWith('BOOT-INF/classes/'),
  );
  return { path, entries, manifest, springBootFatJar, open, close: () => zip.close() };
}
