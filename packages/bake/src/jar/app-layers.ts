// The application as layers. A plain JAR is one layer (`/app/app.jar`). A Spring Boot fat JAR is
// unpacked under `/app` as two layers, dependencies (`BOOT-INF/lib`) then application (classes,
// loader, manifest): a code change then changes only the small application layer, and the
// dependencies layer (usually most of the bytes) is reused by every registry that has it.
import { createReadStream } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import type { TarEntry } from '@bakeline/oci';
import type { JarContents } from './jar-contents.ts';

export const APP_DIR = 'app';

export interface AppLayerSpec {
  /** `application` for a plain JAR or the classes; `dependencies` for BOOT-INF/lib. */
  name: 'application' | 'dependencies';
  /** For the history entry. */
  createdBy: string;
  entries: TarEntry[];
}

export interface AppLayout {
  layers: AppLayerSpec[];
  /** The default command, before `$JAVA_OPTS` and arguments: `-jar /app/app.jar` or `-cp /app <Main-Class>`. */
  javaArgs: string[];
  kind: 'plain-jar' | 'spring-boot-fat-jar';
}

function dir(path: string): TarEntry {
  return { path, type: 'dir', mode: 0o755 };
}

/** A Readable factory over an async opener, as a tar entry's data must be produced on demand. */
function lazy(open: () => Promise<Readable>): () => Readable {
  return () => {
    const out = new PassThrough();
    open().then(
      (stream) => {
        stream.once('error', (error) => out.destroy(error));
        stream.pipe(out);
      },
      (error: unknown) => out.destroy(error as Error),
    );
    return out;
  };
}

/** Every parent directory of `path` below the root, outermost first. */
function parents(path: string): string[] {
  const parts = path.split('/').slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

function fileMode(mode: number | undefined): number {
  return mode !== undefined && (mode & 0o111) !== 0 ? 0o755 : 0o644;
}

export function appLayout(jar: JarContents, jarPath: string, jarSize: number): AppLayout {
  if (!jar.springBootFatJar) {
    return {
      kind: 'plain-jar',
      javaArgs: ['-jar', `/${APP_DIR}/app.jar`],
      layers: [
        {
          name: 'application',
          createdBy: 'bakeline jar: COPY app.jar /app/app.jar',
          entries: [
            dir(APP_DIR),
            {
              path: `${APP_DIR}/app.jar`,
              type: 'file',
              mode: 0o644,
              size: jarSize,
              data: () => createReadStream(jarPath),
            },
          ],
        },
      ],
    };
  }
  const mainClass = jar.manifest['Main-Class'];
  if (!mainClass) {
    throw new Error(`jar: ${jarPath} is a Spring Boot fat JAR (BOOT-INF/) without a Main-Class in its manifest`);
  }
  const dependencies = new Map<string, TarEntry>();
  const application = new Map<string, TarEntry>();
  for (const entry of jar.entries) {
    const target = entry.name.startsWith('BOOT-INF/lib/') ? dependencies : application;
    const path = `${APP_DIR}/${entry.name.replace(/\/$/, '')}`;
    for (const parent of parents(path)) if (!target.has(parent)) target.set(parent, dir(parent));
    if (entry.directory) target.set(path, dir(path));
    else {
      const name = entry.name;
      target.set(path, {
        path,
        type: 'file',
        mode: fileMode(entry.mode),
        size: entry.size,
        data: lazy(() => jar.open(name)),
      });
    }
  }
  const layers: AppLayerSpec[] = [];
  if (dependencies.size > 0) {
    layers.push({
      name: 'dependencies',
      createdBy: 'bakeline jar: COPY BOOT-INF/lib /app/BOOT-INF/lib',
      entries: [...dependencies.values()],
    });
  }
  layers.push({
    name: 'application',
    createdBy: 'bakeline jar: COPY BOOT-INF/classes, loader and manifest /app',
    entries: [...application.values()],
  });
  return { kind: 'spring-boot-fat-jar', javaArgs: ['-cp', `/${APP_DIR}`, mainClass], layers };
}
