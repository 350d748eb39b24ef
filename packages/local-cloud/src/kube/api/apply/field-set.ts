// A set of field paths (fieldpath.Set of structured-merge-diff) and its FieldsV1 form, the one
// kube-apiserver stores in metadata.managedFields[].fieldsV1:
//   {"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{}}}}}}}
// A key maps to `{}` when its path is a member and has no members below it; `".": {}` marks a
// path that is a member and also has members below it.
import { compareElements, type FieldPath } from './field-path.ts';

const SEP = '\u0000';

function keyOf(path: FieldPath): string {
  return path.join(SEP);
}

export type FieldsV1 = { [element: string]: FieldsV1 };

export class FieldSet {
  readonly #paths = new Map<string, FieldPath>();

  constructor(paths: Iterable<FieldPath> = []) {
    for (const p of paths) this.insert(p);
  }

  insert(path: FieldPath): void {
    if (path.length > 0) this.#paths.set(keyOf(path), [...path]);
  }

  has(path: FieldPath): boolean {
    return this.#paths.has(keyOf(path));
  }

  get size(): number {
    return this.#paths.size;
  }

  isEmpty(): boolean {
    return this.#paths.size === 0;
  }

  /** Members in serialization order. */
  members(): FieldPath[] {
    return [...this.#paths.values()].sort((a, b) => {
      for (let i = 0; i < Math.min(a.length, b.length); i++) {
        const c = compareElements(a[i] ?? '', b[i] ?? '');
        if (c !== 0) return c;
      }
      return a.length - b.length;
    });
  }

  /** True when `path` is a member or a prefix of a member. */
  covers(path: FieldPath): boolean {
    const key = keyOf(path);
    if (this.#paths.has(key)) return true;
    const prefix = key + SEP;
    for (const k of this.#paths.keys()) if (k.startsWith(prefix)) return true;
    return false;
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet(this.#paths.values());
    for (const p of other.#paths.values()) out.insert(p);
    return out;
  }

  difference(other: FieldSet): FieldSet {
    return new FieldSet([...this.#paths.values()].filter((p) => !other.has(p)));
  }

  intersection(other: FieldSet): FieldSet {
    return new FieldSet([...this.#paths.values()].filter((p) => other.has(p)));
  }

  /** Members that do not lie under any of `prefixes` (e.g. `status`, `metadata.name`). */
  without(prefixes: readonly FieldPath[]): FieldSet {
    const keys = prefixes.map(keyOf);
    return new FieldSet(
      [...this.#paths.entries()].filter(([k]) => !keys.some((p) => k === p || k.startsWith(p + SEP))).map(([, p]) => p),
    );
  }

  equals(other: FieldSet): boolean {
    return this.size === other.size && [...this.#paths.keys()].every((k) => other.#paths.has(k));
  }

  toFieldsV1(): FieldsV1 {
    const root: TreeNode = { member: false, children: new Map() };
    for (const path of this.members()) {
      let node = root;
      for (const element of path) {
        let child = node.children.get(element);
        if (!child) {
          child = { member: false, children: new Map() };
          node.children.set(element, child);
        }
        node = child;
      }
      node.member = true;
    }
    return serialize(root);
  }

  static fromFieldsV1(fields: unknown, path: FieldPath = []): FieldSet {
    const out = new FieldSet();
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return out;
    for (const [element, child] of Object.entries(fields as Record<string, unknown>)) {
      if (element === '.') {
        out.insert(path);
        continue;
      }
      const childPath = [...path, element];
      const below = FieldSet.fromFieldsV1(child, childPath);
      const isLeaf = typeof child === 'object' && child !== null && Object.keys(child).length === 0;
      if (isLeaf) out.insert(childPath);
      for (const p of below.#paths.values()) out.insert(p);
    }
    return out;
  }
}

interface TreeNode {
  member: boolean;
  children: Map<string, TreeNode>;
}

function serialize(node: TreeNode): FieldsV1 {
  const out: FieldsV1 = {};
  const elements = [...node.children.keys()].sort(compareElements);
  for (const element of elements) {
    const child = node.children.get(element) as TreeNode;
    out[element] = child.children.size === 0 ? {} : { ...(child.member ? { '.': {} } : {}), ...serialize(child) };
  }
  return out;
}
