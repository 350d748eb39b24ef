// Finds the main artifact of the build: the JAR of the requested module (or of the only module
// that made one), or the one JAR matching a pattern; never -sources/-javadoc/-tests/original- JARs.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { globToRegExp } from './glob.ts';
import { readPom } from './pom.ts';
import { type Coordinates, readPomProperties } from './pom-properties.ts';

export interface Artifact extends Coordinates {
  path: string;
  moduleDir: string;
}

export interface ArtifactSelector {
  /** Module directory (relative to the root), directory name, or artifactId. */
  module?: string;
  /** Glob relative to the root, e.g. `service/target/*.jar`. */
  pattern?: string;
}

const SECONDARY = /(?:-sources|-javadoc|-tests|-test-sources|-test-jar)\.jar$|^original-/;

export function isMainJar(fileName: string): boolean {
  return fileName.endsWith('.jar') && !SECONDARY.test(fileName);
}

function mainJars(moduleDir: string): string[] {
  const target = join(moduleDir, 'target');
  if (!existsSync(target)) return [];
  return readdirSync(target)
    .filter(isMainJar)
    .sort()
    .map((f) => join(target, f));
}

/** The POM's own coordinates (parent's groupId/version inherited), when they are literal values. */
function literalPomCoordinates(moduleDir: string): Coordinates | undefined {
  const { groupId, artifactId, version } = readPom(moduleDir);
  const literal = (v: string | undefined): v is string => v !== undefined && v !== '' && !v.includes('${');
  return literal(groupId) && literal(artifactId) && literal(version) ? { groupId, artifactId, version } : undefined;
}

const rel = (root: string, path: string) => relative(root, path).split(sep).join('/') || '.';

/** The module directories a `module` selector names (relative directory, directory name or artifactId). */
export function moduleDirsMatching(root: string, moduleDirs: string[], module: string): string[] {
  const wanted = module.replace(/^\.\//, '').replace(/\/$/, '');
  return moduleDirs.filter(
    (dir) => rel(root, dir) === wanted || basename(dir) === wanted || readPom(dir).artifactId === wanted,
  );
}

/**
 * The main JAR picked by the selector. Without a selector: the only main JAR of the build, or
 * undefined when the build made none (e.g. goals that stop before `package`).
 */
export function locateArtifact(root: string, moduleDirs: string[], selector: ArtifactSelector): Artifact | undefined {
  const candidates = moduleDirs.flatMap((moduleDir) => mainJars(moduleDir).map((path) => ({ path, moduleDir })));
  const built = candidates.map((c) => rel(root, c.path)).join(', ') || 'none';
  let chosen: { path: string; moduleDir: string }[];
  if (selector.pattern) {
    const re = globToRegExp(selector.pattern.replace(/^\.\//, ''));
    chosen = candidates.filter((c) => re.test(rel(root, c.path)));
    if (chosen.length !== 1) {
      throw new Error(
        `artifact-pattern '${selector.pattern}' matched ${chosen.length} main JARs; it must match exactly one (main JARs built: ${built})`,
      );
    }
  } else if (selector.module) {
    const modules = moduleDirsMatching(root, moduleDirs, selector.module);
    if (modules.length === 0) {
      throw new Error(
        `module '${selector.module}' is not a module of the build (modules: ${moduleDirs.map((d) => rel(root, d)).join(', ')})`,
      );
    }
    chosen = candidates.filter((c) => modules.includes(c.moduleDir));
    if (chosen.length !== 1) {
      throw new Error(
        `module '${selector.module}' produced ${chosen.length} main JARs${chosen.length ? ` (${chosen.map((c) => rel(root, c.path)).join(', ')})` : ''}; main JARs built: ${built}`,
      );
    }
  } else {
    if (candidates.length === 0) return undefined;
    if (candidates.length > 1) {
      throw new Error(`the build produced several main JARs (${built}); set 'module' or 'artifact-pattern'`);
    }
    chosen = candidates;
  }
  const pick = chosen[0] as { path: string; moduleDir: string };
  const coordinates = readPomProperties(pick.moduleDir) ?? literalPomCoordinates(pick.moduleDir);
  if (!coordinates) {
    throw new Error(
      `${rel(root, pick.moduleDir)}: no target/maven-archiver/pom.properties (addMavenDescriptor off?) and the POM's coordinates use properties; cannot tell the version`,
    );
  }
  return { ...coordinates, ...pick };
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
