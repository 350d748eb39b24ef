// Field paths as structured-merge-diff names them (sigs.k8s.io/structured-merge-diff/v4
// fieldpath): one element per step, serialized as in FieldsV1: `f:<field>` for a struct field or
// a map entry, `k:{"name":"app"}` for an element of an associative list (its keys, sorted, as
// JSON), `v:<json>` for an element of a set, `i:<n>` for an element of an atomic list. A path is
// the list of its elements.

export type PathElement = string;
export type FieldPath = readonly PathElement[];

export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** `k:{"containerPort":8080,"protocol":"TCP"}`: keys sorted by name, values as JSON. */
export function keyElement(keys: Record<string, unknown>): PathElement {
  const sorted = Object.keys(keys)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(keys[k])}`);
  return `k:{${sorted.join(',')}}`;
}

export function valueElement(value: unknown): PathElement {
  return `v:${JSON.stringify(value)}`;
}

/**
 * The path as fieldpath.Path.String() prints it in conflict messages:
 * `.spec.template.spec.containers[name="app"].image`, `[="x"]` for a set element.
 */
export function pathString(path: FieldPath): string {
  return path
    .map((e) => {
      const body = e.slice(2);
      if (e.startsWith('f:')) return `.${body}`;
      if (e.startsWith('v:')) return `[=${body}]`;
      if (e.startsWith('i:')) return `[${body}]`;
      const keys = JSON.parse(body) as Record<string, unknown>;
      return `[${Object.entries(keys)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}

/** Order of elements in a serialized set, as PathElement.Less: fields, keys, values, indexes. */
export function compareElements(a: PathElement, b: PathElement): number {
  const rank = (e: PathElement) => 'fkvi'.indexOf(e[0] ?? 'f');
  const r = rank(a) - rank(b);
  if (r !== 0) return r;
  return a < b ? -1 : a > b ? 1 : 0;
}
