// Reads what bakeline needs from POM files with a real XML parser (never a regex on pom.xml):
// coordinates, modules (profiles included), properties and the parent, and walks the parent chain
// the way Maven does (relativePath, then the local repository) to find inherited properties.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface ParentReference {
  groupId: string;
  artifactId: string;
  version: string;
  /** `undefined`: Maven's default `../pom.xml`; `''`: look only in the repository. */
  relativePath: string | undefined;
}

export interface Pom {
  file: string;
  groupId: string | undefined;
  artifactId: string | undefined;
  /** `<name>`, as Maven shows the project in its reactor summary (default: the artifactId). */
  name: string | undefined;
  version: string | undefined;
  packaging: string;
  /** Modules of `<modules>` and of every profile's `<modules>`, as written. */
  modules: string[];
  properties: Record<string, string>;
  parent: ParentReference | undefined;
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, htmlEntities: true });

type Node = Record<string, unknown>;

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function modulesOf(node: unknown): string[] {
  const modules = (node as { modules?: { module?: unknown } } | undefined)?.modules;
  return asArray(modules?.module).filter((m): m is string => typeof m === 'string' && m !== '');
}

/** Parses a POM (a pom.xml path, or the directory holding one). */
export function readPom(dirOrFile: string): Pom {
  const file = existsSync(dirOrFile) && statSync(dirOrFile).isDirectory() ? join(dirOrFile, 'pom.xml') : dirOrFile;
  const xml = readFileSync(file, 'utf8');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new Error(`cannot read the POM ${file}: line ${valid.err.line}: ${valid.err.msg}`);
  }
  const doc = parser.parse(xml) as { project?: Node };
  const project = doc.project;
  if (!project || typeof project !== 'object') throw new Error(`${file}: no <project> element`);
  const properties: Record<string, string> = {};
  const props = project.properties;
  if (props && typeof props === 'object') {
    for (const [k, v] of Object.entries(props as Node)) properties[k] = typeof v === 'string' ? v : '';
  }
  const parentNode = project.parent as Node | undefined;
  let parent: ParentReference | undefined;
  if (parentNode && typeof parentNode === 'object') {
    const relativePath = parentNode.relativePath;
    parent = {
      groupId: str(parentNode.groupId) ?? '',
      artifactId: str(parentNode.artifactId) ?? '',
      version: str(parentNode.version) ?? '',
      relativePath: relativePath === undefined ? undefined : (str(relativePath) ?? ''),
    };
  }
  const profiles = asArray((project.profiles as { profile?: unknown } | undefined)?.profile);
  const modules = [...modulesOf(project), ...profiles.flatMap(modulesOf)];
  return {
    file,
    groupId: str(project.groupId) ?? parent?.groupId,
    artifactId: str(project.artifactId),
    name: str(project.name),
    version: str(project.version) ?? parent?.version,
    packaging: str(project.packaging) ?? 'jar',
    modules: [...new Set(modules)],
    properties,
    parent,
  };
}

/** Every module directory of a (multi-module) build that exists on disk, root first, each once. */
export function moduleDirs(root: string): string[] {
  const result: string[] = [];
  const visit = (dir: string, depth: number) => {
    const abs = resolve(dir);
    if (depth > 10 || result.includes(abs) || !existsSync(join(abs, 'pom.xml'))) return;
    result.push(abs);
    for (const m of readPom(abs).modules) {
      // A module may name its pom file instead of its directory.
      visit(m.endsWith('.xml') ? dirname(join(abs, m)) : join(abs, m), depth + 1);
    }
  };
  visit(root, 0);
  return result;
}

/** Where Maven's local repository keeps a POM. */
export function repositoryPomPath(repository: string, ref: { groupId: string; artifactId: string; version: string }) {
  return join(
    repository,
    ...ref.groupId.split('.'),
    ref.artifactId,
    ref.version,
    `${ref.artifactId}-${ref.version}.pom`,
  );
}

/** The parent POM as Maven finds it: relativePath (when its coordinates match), else the local repository. */
export function resolveParent(pom: Pom, localRepository: string | undefined): Pom | undefined {
  const ref = pom.parent;
  if (!ref) return undefined;
  const relativePath = ref.relativePath ?? '../pom.xml';
  if (relativePath !== '') {
    let candidate = resolve(dirname(pom.file), relativePath);
    if (existsSync(candidate) && statSync(candidate).isDirectory()) candidate = join(candidate, 'pom.xml');
    if (existsSync(candidate)) {
      const parent = readPom(candidate);
      if (parent.groupId === ref.groupId && parent.artifactId === ref.artifactId && parent.version === ref.version) {
        return parent;
      }
    }
  }
  if (localRepository && ref.groupId && ref.artifactId && ref.version) {
    const file = repositoryPomPath(localRepository, ref);
    if (existsSync(file)) return readPom(file);
  }
  return undefined;
}

/** A property as the module sees it: its own, else the nearest parent's that can be found. */
export function inheritedProperty(moduleDir: string, name: string, localRepository?: string): string | undefined {
  let pom: Pom | undefined = readPom(moduleDir);
  for (let depth = 0; pom && depth < 12; depth++) {
    const value = pom.properties[name];
    if (value !== undefined) return value;
    pom = resolveParent(pom, localRepository);
  }
  return undefined;
}

/**
 * Whether every module sets project.build.outputTimestamp (itself or through a parent). Then
 * bakeline leaves it alone; otherwise it passes its own, since a user property reaches every module.
 */
export function projectSetsOutputTimestamp(root: string, localRepository?: string): boolean {
  return moduleDirs(root).every(
    (dir) => (inheritedProperty(dir, 'project.build.outputTimestamp', localRepository) ?? '') !== '',
  );
}
