// Reads what bakeline needs from POM files with a real XML parser (never a regex on pom.xml).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';

export interface PomSummary {
  artifactId: string | undefined;
  packaging: string;
  modules: string[];
  properties: Record<string, string>;
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

export function readPom(dir: string): PomSummary {
  const file = join(dir, 'pom.xml');
  const doc = parser.parse(readFileSync(file, 'utf8')) as { project?: Record<string, unknown> };
  const project = doc.project;
  if (!project) throw new Error(`${file}: no <project> element`);
  const modules = asArray((project.modules as { module?: string | string[] } | undefined)?.module).map(String);
  const properties: Record<string, string> = {};
  for (const [k, v] of Object.entries((project.properties as Record<string, unknown> | undefined) ?? {})) {
    properties[k] = String(v);
  }
  return {
    artifactId: typeof project.artifactId === 'string' ? project.artifactId : undefined,
    packaging: typeof project.packaging === 'string' ? project.packaging : 'jar',
    modules,
    properties,
  };
}

/** Every module directory of a (multi-module) build, root first. */
export function moduleDirs(root: string): string[] {
  const result: string[] = [];
  const visit = (dir: string, depth: number) => {
    if (depth > 8 || !existsSync(join(dir, 'pom.xml'))) return;
    result.push(dir);
    for (const m of readPom(dir).modules) visit(join(dir, m), depth + 1);
  };
  visit(root, 0);
  return result;
}

/** Whether the project sets project.build.outputTimestamp itself (root or any module). */
export function projectSetsOutputTimestamp(root: string): boolean {
  return moduleDirs(root).some((dir) => readPom(dir).properties['project.build.outputTimestamp'] !== undefined);
}
