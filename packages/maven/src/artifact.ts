// Finds the main artifact of the build: the JAR of the requested module (or the only module that
// made one), or the one file matching a pattern; never -sources/-javadoc/-tests/original- JARs.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { readPom } from './pom.ts';

export interface Coordinates {
  groupId: string;
  artifactId: string;
  version: string;
}

export interface Artifact extends Coordinates {
  path: string;
  moduleDir: string;
}

const SECONDARY = /(-sources|-javadoc|-tests|-test-sources)\.jar$|^original-/;

/** Reads target/maven-archiver/pom.properties, written by the jar plugin. */
export function readPomProperties(moduleDir: string): Coordinates | undefined {
  const file = join(moduleDir, 'target', 'maven-archiver', 'pom.properties');
  if (!existsSync(file)) return undefined;
  const values: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0 && !line.startsWith('#')) values[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  const { groupId, artifactId, version } = values;
  return groupId && artifactId && version ? { groupId, artifactId, version } : undefined;
}

function mainJars(moduleDir: string): string[] {
  const target = join(moduleDir, 'target');
  if (!existsSync(target)) return [];
  return readdirSync(target)
    .filter((f) => f.endsWith('.jar') && !SECONDARY.test(f))
    .map((f) => join(target, f));
}

/** Glob with `*` and `**` against paths relative to the root. */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function locateArtifact(
  root: string,
  moduleDirs: string[],
  selector: { module?: string; pattern?: string },
): Artifact {
  const candidates = moduleDirs.flatMap((moduleDir) => mainJars(moduleDir).map((path) => ({ path, moduleDir })));
  let chosen: { path: string; moduleDir: string }[];
  if (selector.pattern) {
    const re = globToRegExp(selector.pattern);
    chosen = candidates.filter((c) => re.test(relative(root, c.path)) && !SECONDARY.test(basename(c.path)));
    if (chosen.length !== 1) {
      throw new Error(
        `artifact-pattern '${selector.pattern}' matched ${chosen.length} JARs${chosen.length ? `: ${chosen.map((c) => relative(root, c.path)).join(', ')}` : ''}; it must match exactly one (JARs built: ${candidates.map((c) => relative(root, c.path)).join(', ') || 'none'})`,
      );
    }
  } else if (selector.module) {
    const wanted = selector.module;
    chosen = candidates.filter(
      (c) =>
        relative(root, c.moduleDir) === wanted ||
        basename(c.moduleDir) === wanted ||
        readPom(c.moduleDir).artifactId === wanted,
    );
    if (chosen.length !== 1) {
      throw new Error(
        `module '${wanted}' produced ${chosen.length} main JARs; modules with a JAR: ${[...new Set(candidates.map((c) => relative(root, c.moduleDir) || '.'))].join(', ') || 'none'}`,
      );
    }
  } else {
    chosen = candidates;
    if (chosen.length !== 1) {
      throw new Error(
        chosen.length === 0
          ? 'the build produced no JAR (did the goals include package?)'
          : `the build produced several JARs (${chosen.map((c) => relative(root, c.path)).join(', ')}); set 'module' or 'artifact-pattern'`,
      );
    }
  }
  const pick = chosen[0] as { path: string; moduleDir: string };
  const coordinates = readPomProperties(pick.moduleDir);
  if (!coordinates)
    throw new Error(
      `${relative(root, pick.moduleDir) || '.'}: no target/maven-archiver/pom.properties to read the coordinates from`,
    );
  return { ...coordinates, ...pick };
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
