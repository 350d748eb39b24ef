// The coordinates in a JAR's META-INF/maven/<groupId>/<artifactId>/pom.properties, which the
// maven-archiver writes into every JAR Maven builds (and maven-shade keeps for each shaded
// dependency). Java properties syntax (java.util.Properties#load): `key=value`, `key: value` or
// `key value`, `#`/`!` comments, backslash escapes and continuation lines. Bounded: the file is a
// few hundred bytes; anything over MAX_POM_PROPERTIES_BYTES is refused, not read.

export const MAX_POM_PROPERTIES_BYTES = 64 * 1024;

export interface MavenCoordinates {
  groupId: string;
  artifactId: string;
  version: string;
}

/** Maven's own rule for groupId and artifactId (DefaultModelValidator: `[A-Za-z0-9_\-.]+`). */
const ID = /^[A-Za-z0-9_.-]{1,256}$/;
/** A version: no whitespace, no path or purl separators, no control characters. */
const VERSION = /^[A-Za-z0-9_.+~:-]{1,256}$/;

function unescapeProperty(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c.length === 5) return String.fromCharCode(Number.parseInt(c.slice(1), 16));
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[c] ?? c;
  });
}

/** Logical lines: comments and blank lines dropped, a line ending in an odd number of `\` joined to the next. */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending: string | undefined;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/^[ \t\f]+/, '');
    if (pending === undefined && (line === '' || line.startsWith('#') || line.startsWith('!'))) continue;
    let trailing = 0;
    while (trailing < line.length && line[line.length - 1 - trailing] === '\\') trailing++;
    const joined = (pending ?? '') + (trailing % 2 === 1 ? line.slice(0, -1) : line);
    if (trailing % 2 === 1) {
      pending = joined;
      continue;
    }
    pending = undefined;
    lines.push(joined);
  }
  if (pending !== undefined) lines.push(pending);
  return lines;
}

/** Parses Java properties text; throws when it is larger than `maxBytes`. */
export function parseJavaProperties(text: string, maxBytes = MAX_POM_PROPERTIES_BYTES): Map<string, string> {
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new Error(`properties: ${Buffer.byteLength(text, 'utf8')} bytes, expected at most ${maxBytes}`);
  }
  const values = new Map<string, string>();
  for (const line of logicalLines(text)) {
    // one pass, as Properties#load: the key ends at the first unescaped '=', ':' or blank; then
    // blanks, at most one '=' or ':', blanks; the rest is the value
    let i = 0;
    while (i < line.length && !'=: \t\f'.includes(line[i] ?? '')) i += line[i] === '\\' ? 2 : 1;
    const key = line.slice(0, Math.min(i, line.length));
    while (i < line.length && ' \t\f'.includes(line[i] ?? '')) i++;
    if (i < line.length && '=:'.includes(line[i] ?? '')) i++;
    while (i < line.length && ' \t\f'.includes(line[i] ?? '')) i++;
    values.set(unescapeProperty(key), unescapeProperty(line.slice(i)));
  }
  return values;
}

/**
 * The coordinates in pom.properties text; throws an Error naming the field when one is missing or
 * not a Maven coordinate (the caller skips that file with a warning).
 */
export function parsePomProperties(text: string): MavenCoordinates {
  const values = parseJavaProperties(text);
  const field = (key: 'groupId' | 'artifactId' | 'version', pattern: RegExp, expected: string): string => {
    const value = values.get(key)?.trim();
    if (value === undefined || value === '') throw new Error(`pom.properties: no ${key}`);
    if (!pattern.test(value)) {
      throw new Error(`pom.properties: ${key} ${JSON.stringify(value.slice(0, 80))}: expected ${expected}`);
    }
    return value;
  };
  return {
    groupId: field('groupId', ID, 'letters, digits, _ . - (at most 256)'),
    artifactId: field('artifactId', ID, 'letters, digits, _ . - (at most 256)'),
    version: field('version', VERSION, 'a Maven version without spaces or slashes (at most 256)'),
  };
}

/** `META-INF/maven/<group>/<artifact>/pom.properties`, the path the maven-archiver writes. */
export function isPomPropertiesPath(path: string): boolean {
  return /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(path);
}
