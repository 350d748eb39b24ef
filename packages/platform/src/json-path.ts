// The JSONPath subset the spec's `json` assertions use: `$`, `.key`, `['key']`, `[index]`.

export function evaluateJsonPath(document: unknown, path: string): { found: boolean; value: unknown } {
  if (!path.startsWith('$')) throw new Error(`JSON path '${path}' must start with $`);
  const tokens: (string | number)[] = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) throw new Error(`JSON path '${path}': cannot read it at position ${re.lastIndex}`);
    tokens.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3] ?? m[4] ?? ''));
  }
  let current: unknown = document;
  for (const token of tokens) {
    if (typeof token === 'number' && Array.isArray(current) && token < current.length) current = current[token];
    else if (
      typeof token === 'string' &&
      current &&
      typeof current === 'object' &&
      !Array.isArray(current) &&
      Object.hasOwn(current, token)
    ) {
      current = (current as Record<string, unknown>)[token];
    } else return { found: false, value: undefined };
  }
  return { found: true, value: current };
}
