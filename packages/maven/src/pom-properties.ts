// The coordinates the jar plugin recorded in target/maven-archiver/pom.properties: what Maven
// really built (the effective model), not what a regex on pom.xml would guess.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Coordinates {
  groupId: string;
  artifactId: string;
  version: string;
}

/** Parses Java properties text as the jar plugin writes it (`key=value`, `#` comments, `\` escapes). */
export function parseProperties(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const match = /^((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (!match) continue;
    const unescaped = (s: string) => s.replace(/\\(.)/g, '$1');
    values[unescaped(match[1] ?? '')] = unescaped(match[2] ?? '');
  }
  return values;
}

export function readPomProperties(moduleDir: string): Coordinates | undefined {
  const file = join(moduleDir, 'target', 'maven-archiver', 'pom.properties');
  if (!existsSync(file)) return undefined;
  const { groupId, artifactId, version } = parseProperties(readFileSync(file, 'utf8'));
  return groupId && artifactId && version ? { groupId, artifactId, version } : undefined;
}
