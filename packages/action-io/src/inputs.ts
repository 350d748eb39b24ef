// Typed, strict input readers. Each fails with one line naming the input, the value and what
// was expected (InputError). The source of raw values is injected, so readers are testable
// without a runner; `inputs` reads them as the runner passes them (INPUT_<NAME> variables).
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { InputError, parseDuration } from '@bakeline/toolkit';

export type InputSource = (name: string) => string | undefined;

/** How the runner passes `with:` values: `INPUT_<NAME>`, spaces to `_`, upper case (hyphens kept). */
export function inputVariableName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export const envInputSource: InputSource = (name) => process.env[inputVariableName(name)];

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];
const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export interface StringOptions {
  required?: boolean;
  default?: string;
}

export interface PathOptions extends StringOptions {
  mustExist?: 'file' | 'dir' | 'any';
  /** Relative paths resolve against it, and the result must stay inside it (default: GITHUB_WORKSPACE or cwd). */
  workspace?: string;
  /** Allow a path outside the workspace (e.g. RUNNER_TEMP). */
  allowOutsideWorkspace?: boolean;
}

function show(value: string): string {
  return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
}

export class InputReader {
  readonly #source: InputSource;

  constructor(source: InputSource = envInputSource) {
    this.#source = source;
  }

  /** The trimmed value; '' when not given (after the default). */
  getString(name: string, options: StringOptions = {}): string {
    const raw = this.#source(name)?.trim() ?? '';
    const value = raw === '' ? (options.default ?? '') : raw;
    if (options.required && value === '') throw new InputError(name, 'is required and was not given');
    return value;
  }

  getOptionalString(name: string): string | undefined {
    const value = this.getString(name);
    return value === '' ? undefined : value;
  }

  /**
   * An optional service endpoint: `http(s)://host[:port]` with a valid host and a port from 1 to
   * 65535, nothing after it but one `/` (the URL a client is pointed at, not a page).
   */
  getEndpoint(name: string): string | undefined {
    const value = this.getOptionalString(name);
    if (value === undefined) return undefined;
    const expected = `got ${JSON.stringify(value)}; expected http(s)://host[:port]`;
    const match = /^(https?):\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?\/?$/.exec(value);
    if (!match) throw new InputError(name, expected);
    const port = match[3];
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) throw new InputError(name, expected);
    return value;
  }

  getBoolean(name: string, options: { default: boolean }): boolean {
    const value = this.getString(name);
    if (value === '') return options.default;
    if (TRUE.includes(value)) return true;
    if (FALSE.includes(value)) return false;
    throw new InputError(
      name,
      `got ${show(value)}; expected a YAML boolean: true | True | TRUE | false | False | FALSE`,
    );
  }

  getEnum<const T extends string>(name: string, values: readonly T[], options: { default?: T } = {}): T {
    const value = this.getString(name);
    if (value === '' && options.default !== undefined) return options.default;
    if ((values as readonly string[]).includes(value)) return value as T;
    if (value === '') throw new InputError(name, `is required; expected one of: ${values.join(' | ')}`);
    throw new InputError(name, `got ${show(value)}; expected one of: ${values.join(' | ')}`);
  }

  getInteger(name: string, options: { min?: number; max?: number; default?: number } = {}): number {
    const value = this.getString(name);
    const range = `${options.min ?? '-∞'}..${options.max ?? '∞'}`;
    if (value === '') {
      if (options.default !== undefined) return options.default;
      throw new InputError(name, `is required; expected an integer in ${range}`);
    }
    if (!/^[+-]?\d+$/.test(value)) throw new InputError(name, `got ${show(value)}; expected an integer in ${range}`);
    const n = Number(value);
    if (
      !Number.isSafeInteger(n) ||
      (options.min !== undefined && n < options.min) ||
      (options.max !== undefined && n > options.max)
    ) {
      throw new InputError(name, `got ${show(value)}; expected an integer in ${range}`);
    }
    return n;
  }

  /** A duration such as `500ms`, `90s`, `10m`, `1h30m`, in milliseconds. */
  getDuration(name: string, options: { default?: number; min?: number; max?: number } = {}): number {
    const value = this.getString(name);
    if (value === '') {
      if (options.default !== undefined) return options.default;
      throw new InputError(name, 'is required; expected a duration such as 90s, 10m or 1h30m');
    }
    const ms = parseDuration(value);
    if (ms === undefined)
      throw new InputError(name, `got ${show(value)}; expected a duration such as 90s, 10m or 1h30m`);
    if ((options.min !== undefined && ms < options.min) || (options.max !== undefined && ms > options.max)) {
      throw new InputError(
        name,
        `got ${show(value)}; expected a duration between ${options.min ?? 0} ms and ${options.max ?? '∞'} ms`,
      );
    }
    return ms;
  }

  /** Items separated by newlines and/or commas, trimmed, empty ones dropped. */
  getList(name: string, options: { separator?: 'newline' | 'comma' | 'both' } = {}): string[] {
    const value = this.#source(name) ?? '';
    const separator = options.separator ?? 'both';
    const pattern = separator === 'newline' ? /\r?\n/ : separator === 'comma' ? /,/ : /\r?\n|,/;
    return value
      .split(pattern)
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  /** Lines of `KEY=VALUE` (blank lines and `#` comments skipped); a duplicate key is an error. */
  getKeyValues(name: string): Record<string, string> {
    const result: Record<string, string> = {};
    const lines = (this.#source(name) ?? '').split(/\r?\n/);
    for (const [index, line] of lines.entries()) {
      const text = line.trim();
      if (text === '' || text.startsWith('#')) continue;
      const eq = text.indexOf('=');
      const key = eq > 0 ? text.slice(0, eq).trim() : '';
      if (!KEY.test(key)) {
        throw new InputError(
          name,
          `line ${index + 1} is ${show(text)}; expected KEY=VALUE with KEY matching ${KEY.source}`,
        );
      }
      if (Object.hasOwn(result, key)) throw new InputError(name, `line ${index + 1} repeats the key ${show(key)}`);
      result[key] = text.slice(eq + 1);
    }
    return result;
  }

  /** A path resolved against the workspace; must stay inside it, and exist when asked. '' when optional and absent. */
  getPath(name: string, options: PathOptions = {}): string {
    const value = this.getString(name, options);
    return value === '' ? '' : resolvePath(name, value, options);
  }

  /** Paths separated by newlines or commas, each checked like `getPath`. */
  getPathList(name: string, options: Omit<PathOptions, 'default'> = {}): string[] {
    const values = this.getList(name);
    if (options.required && values.length === 0) throw new InputError(name, 'is required and was not given');
    return values.map((value) => resolvePath(name, value, options));
  }
}

function resolvePath(name: string, value: string, options: PathOptions): string {
  const workspace = resolve(options.workspace ?? process.env.GITHUB_WORKSPACE ?? process.cwd());
  const path = resolve(workspace, value);
  if (!options.allowOutsideWorkspace && !isInside(workspace, path)) {
    throw new InputError(name, `got ${show(value)}; expected a path inside the workspace ${workspace}`);
  }
  if (options.mustExist) {
    if (!existsSync(path))
      throw new InputError(name, `got ${show(value)}; no such ${kindName(options.mustExist)}: ${path}`);
    const stat = statSync(path);
    if (options.mustExist === 'file' && !stat.isFile()) {
      throw new InputError(name, `got ${show(value)}; expected a file, found a directory`);
    }
    if (options.mustExist === 'dir' && !stat.isDirectory()) {
      throw new InputError(name, `got ${show(value)}; expected a directory, found a file`);
    }
    if (!options.allowOutsideWorkspace && !isInside(realpathOrSelf(workspace), realpathSync(path))) {
      throw new InputError(name, `got ${show(value)}; it resolves (through a link) outside the workspace ${workspace}`);
    }
  }
  return path;
}

function kindName(kind: 'file' | 'dir' | 'any'): string {
  return kind === 'dir' ? 'directory' : kind === 'file' ? 'file' : 'path';
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Readers over the runner's INPUT_* variables. */
export const inputs = new InputReader();
export const getString = inputs.getString.bind(inputs);
export const getOptionalString = inputs.getOptionalString.bind(inputs);
export const getBoolean = inputs.getBoolean.bind(inputs);
export function getEnum<const T extends string>(name: string, values: readonly T[], options: { default?: T } = {}): T {
  return inputs.getEnum(name, values, options);
}
export const getInteger = inputs.getInteger.bind(inputs);
export const getDuration = inputs.getDuration.bind(inputs);
export const getList = inputs.getList.bind(inputs);
export const getKeyValues = inputs.getKeyValues.bind(inputs);
export const getPath = inputs.getPath.bind(inputs);
export const getPathList = inputs.getPathList.bind(inputs);
