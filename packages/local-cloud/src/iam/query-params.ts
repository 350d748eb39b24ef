// Typed readers for the IAM query protocol's parameters: scalars, `Name.member.N` lists and
// `Tags.member.N.Key`/`.Value` structures, with IAM's validation messages.
import { ValidationErrors } from '../aws/query-protocol.ts';
import type { Tag } from './tags.ts';

export class QueryParams {
  readonly #params: Map<string, string>;

  constructor(params: Map<string, string>) {
    this.#params = params;
  }

  string(name: string): string | undefined {
    return this.#params.get(name);
  }

  /** A required parameter: `1 validation error detected: Value null at 'roleName' ...`. */
  required(name: string): string {
    const value = this.#params.get(name);
    if (value === undefined || value === '') {
      const v = new ValidationErrors();
      v.add(
        value === undefined ? undefined : value,
        name.charAt(0).toLowerCase() + name.slice(1),
        'Member must not be null',
      );
      v.throwIfAny();
    }
    return value ?? '';
  }

  integer(name: string): number | undefined {
    const text = this.#params.get(name);
    if (text === undefined) return undefined;
    if (!/^-?\d+$/.test(text)) {
      const v = new ValidationErrors();
      v.add(text, name.charAt(0).toLowerCase() + name.slice(1), 'Member must be an integer');
      v.throwIfAny();
    }
    return Number(text);
  }

  boolean(name: string): boolean | undefined {
    const text = this.#params.get(name);
    if (text === undefined) return undefined;
    if (text !== 'true' && text !== 'false') {
      const v = new ValidationErrors();
      v.add(text, name.charAt(0).toLowerCase() + name.slice(1), 'Member must be a boolean');
      v.throwIfAny();
    }
    return text === 'true';
  }

  /** `Name.member.1`, `Name.member.2`, ... in order (undefined when no member is given). */
  list(name: string): string[] | undefined {
    const out: string[] = [];
    for (let i = 1; this.#params.has(`${name}.member.${i}`); i++)
      out.push(this.#params.get(`${name}.member.${i}`) ?? '');
    if (out.length === 0 && !this.#params.has(name)) return undefined;
    return out;
  }

  tags(name = 'Tags'): Tag[] {
    const out: Tag[] = [];
    for (let i = 1; this.#params.has(`${name}.member.${i}.Key`); i++) {
      out.push({
        Key: this.#params.get(`${name}.member.${i}.Key`) ?? '',
        Value: this.#params.get(`${name}.member.${i}.Value`) ?? '',
      });
    }
    return out;
  }

  /** Parameter names the action does not know (IAM ignores nothing silently here: they are refused). */
  unknown(known: readonly string[]): string[] {
    return [...this.#params.keys()].filter(
      (k) => k !== 'Action' && k !== 'Version' && !known.some((n) => k === n || k.startsWith(`${n}.member.`)),
    );
  }
}
