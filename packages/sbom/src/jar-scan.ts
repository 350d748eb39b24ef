// The Maven artifacts a JAR carries: every META-INF/maven/<g>/<a>/pom.properties in it (its own,
// and those maven-shade keeps for each shaded dependency), and those of the JARs nested in it
// (Spring Boot's BOOT-INF/lib/*.jar, WEB-INF/lib/*.jar), one level deep. Read from memory through
// the central directory; bounded in entry sizes and counts, and a broken JAR is a warning.
import yauzl from 'yauzl';
import {
  isPomPropertiesPath,
  MAX_POM_PROPERTIES_BYTES,
  type MavenCoordinates,
  parsePomProperties,
} from './pom-properties.ts';

export const MAX_NESTED_JAR_BYTES = 128 * 1024 * 1024;
const MAX_NESTED_JARS = 10_000;

export interface MavenFinding extends MavenCoordinates {
  /** Path in the image of the file the finding is in (`/app/app.jar`). */
  file: string;
  /** Where the pom.properties lies: `/app/app.jar!/BOOT-INF/lib/x.jar!/META-INF/maven/g/a/pom.properties`. */
  location: string;
}

export interface JarScan {
  maven: MavenFinding[];
  warnings: string[];
}

function openBuffer(bytes: Buffer): Promise<yauzl.ZipFile> {
  return yauzl.fromBufferPromise(bytes, { lazyEntries: true, strictFileNames: false, validateEntrySizes: true });
}

async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, max: number): Promise<Buffer> {
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > max) {
      stream.destroy();
      throw new Error(`more than ${max} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const isNestedJar = (name: string) => /^(?:BOOT-INF|WEB-INF)\/lib\/[^/]+\.jar$/.test(name);

/** Scans the JAR held in `bytes`, found at `file` in the image. Never throws for a malformed JAR. */
export async function scanJar(bytes: Buffer, file: string, depth = 0, location = file): Promise<JarScan> {
  const result: JarScan = { maven: [], warnings: [] };
  let zip: yauzl.ZipFile;
  try {
    zip = await openBuffer(bytes);
  } catch (error: unknown) {
    result.warnings.push(`${location}: skipped, not a readable JAR: ${(error as Error).message}`);
    return result;
  }
  let nested = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      if (isPomPropertiesPath(name)) {
        if (entry.uncompressedSize > MAX_POM_PROPERTIES_BYTES) {
          result.warnings.push(
            `${location}!/${name}: skipped, ${entry.uncompressedSize} bytes (at most ${MAX_POM_PROPERTIES_BYTES})`,
          );
          continue;
        }
        try {
          const text = (await readEntry(zip, entry, MAX_POM_PROPERTIES_BYTES)).toString('utf8');
          result.maven.push({ ...parsePomProperties(text), file, location: `${location}!/${name}` });
        } catch (error: unknown) {
          result.warnings.push(`${location}!/${name}: skipped: ${(error as Error).message}`);
        }
      } else if (depth === 0 && isNestedJar(name)) {
        if (++nested > MAX_NESTED_JARS) {
          if (nested === MAX_NESTED_JARS + 1)
            result.warnings.push(`${location}: more than ${MAX_NESTED_JARS} nested JARs, the rest skipped`);
          continue;
        }
        if (entry.uncompressedSize > MAX_NESTED_JAR_BYTES) {
          result.warnings.push(
            `${location}!/${name}: skipped, ${entry.uncompressedSize} bytes (at most ${MAX_NESTED_JAR_BYTES})`,
          );
          continue;
        }
        try {
          const inner = await scanJar(
            await readEntry(zip, entry, MAX_NESTED_JAR_BYTES),
            file,
            depth + 1,
            `${location}!/${name}`,
          );
          result.maven.push(...inner.maven);
          result.warnings.push(...inner.warnings);
        } catch (error: unknown) {
          result.warnings.push(`${location}!/${name}: skipped: ${(error as Error).message}`);
        }
      }
    }
  } catch (error: unknown) {
    result.warnings.push(`${location}: stopped reading, malformed JAR: ${(error as Error).message}`);
  } finally {
    zip.close();
  }
  return result;
}
