// The JSONPath subset the spec's `json` assertions use: `$`, `.key`, `['key']`, `["key"]`,
// `[index]`; one value per path (no wildcards, filters or recursive descent).

export type JsonPath = (string | number)[];

export function parseJsonPath(path: string): JsonPath {
  if (!path.startsWith('$')) throw new Error(`JSON path '${path}': expected it to start with $`);
  const tokens: JsonPath = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const at = re.lastIndex;
    const m = re.exec(path);
    if (!m) {
      throw new Error(
        `JSON path '${path}': cannot read '${path.slice(at)}' (supported: .key, ['key'], [index]; no wildcards or filters)`,
      );
    }
    tokens.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3] ?? m[4] ?? ''));
  }
  return tokens;
}

export function evaluateJsonPath(document: unknown, path: string): { found: boolean; value: unknown } {
  let current: unknown = document;
  for (const token of parseJsonPath(path)) {
    if (typeof token === 'number' && Array.isArray(current) && token < current.length) current = current[token];
    else if (
      typeof token === 'string' &&
      current !== null &&
      typeof current === 'object' &&
      !Array.isArray(current) &&
      Object.hasOwn(current, token)
    ) {
      current = (current as Record<string, unknown>)[token];
    } else return { found: false, value: undefined };
  }
  return { found: true, value: current };
}
