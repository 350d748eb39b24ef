// Workflow commands written to stdout (`::error file=a,line=3::message`, `::add-mask::value`, ...),
// parsed as the runner parses them (actions/runner ActionCommand.cs, ActionCommandManager.cs): the
// `::` form after .NET's TrimStart, the legacy `##[` form anywhere in a line, `::stop-commands::<token>`
// ... `::<token>::`, names without regard to case, and the runner's exact unescaping.
import { RUNNER_LINE_BREAK, trimStartLikeRunner } from '@bakeline/toolkit';

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
  title?: string;
}

export interface ParsedCommands {
  annotations: Annotation[];
  masks: string[];
  /** `::set-output` / `::save-state` lines: disabled on GitHub; an action must not use them. */
  deprecated: string[];
  groups: string[];
  /** Commands the runner would not recognise. */
  unknown: string[];
}

/** The commands the runner registers (ActionCommandManager's extensions, plus stop-commands). */
const REGISTERED = new Set([
  'error',
  'warning',
  'notice',
  'debug',
  'add-mask',
  'group',
  'endgroup',
  'echo',
  'set-output',
  'save-state',
  'set-env',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'stop-commands',
]);

interface RawCommand {
  name: string;
  properties: Record<string, string>;
  data: string;
}

type Mapping = readonly [token: string, replacement: string];
// ActionCommand.cs's three tables, applied in their order with .NET's ordinal (case-sensitive) Replace.
const LEGACY_MAPPINGS: readonly Mapping[] = [
  [';', '%3B'],
  ['\r', '%0D'],
  ['\n', '%0A'],
  [']', '%5D'],
  ['%', '%25'],
];
const DATA_MAPPINGS: readonly Mapping[] = [
  ['\r', '%0D'],
  ['\n', '%0A'],
  ['%', '%25'],
];
const PROPERTY_MAPPINGS: readonly Mapping[] = [
  ['\r', '%0D'],
  ['\n', '%0A'],
  [':', '%3A'],
  [',', '%2C'],
  ['%', '%25'],
];

function unescapeWith(value: string, mappings: readonly Mapping[]): string {
  let result = value;
  for (const [token, replacement] of mappings) result = result.split(replacement).join(token);
  return result;
}

function splitProperties(text: string, separator: string, mappings: readonly Mapping[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const part of text.split(separator)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    // .NET's Split('=', 2, RemoveEmptyEntries): a pair needs a non-empty key and value
    if (eq > 0 && eq < part.length - 1) result[part.slice(0, eq)] = unescapeWith(part.slice(eq + 1), mappings);
  }
  return result;
}

/** ActionCommand.TryParseV2: `::name props::data` at the start of the trimmed line. */
function parseCurrentForm(line: string, registered: ReadonlySet<string>): RawCommand | undefined {
  const message = trimStartLikeRunner(line);
  if (!message.startsWith('::')) return undefined;
  const end = message.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = message.slice(2, end);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!registered.has(name.toLowerCase())) return undefined;
  const properties = space > 0 ? splitProperties(info.slice(space + 1).trim(), ',', PROPERTY_MAPPINGS) : {};
  return { name: name.toLowerCase(), properties, data: unescapeWith(message.slice(end + 2), DATA_MAPPINGS) };
}

/** ActionCommand.TryParse: the legacy `##[name props]data`, anywhere in the line. */
function parseLegacyForm(line: string, registered: ReadonlySet<string>): RawCommand | undefined {
  const prefix = line.indexOf('##[');
  if (prefix < 0) return undefined;
  const close = line.indexOf(']', prefix);
  if (close < 0) return undefined;
  const info = line.slice(prefix + 3, close);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!registered.has(name.toLowerCase())) return undefined;
  const properties = space > 0 ? splitProperties(info.slice(space + 1), ';', LEGACY_MAPPINGS) : {};
  return { name: name.toLowerCase(), properties, data: unescapeWith(line.slice(close + 1), LEGACY_MAPPINGS) };
}

function toNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function annotationOf(level: Annotation['level'], command: RawCommand): Annotation {
  const p = command.properties;
  const annotation: Annotation = { level, message: command.data };
  if (p.file !== undefined) annotation.file = p.file;
  const line = toNumber(p.line);
  if (line !== undefined) annotation.line = line;
  const endLine = toNumber(p.endLine);
  if (endLine !== undefined) annotation.endLine = endLine;
  const col = toNumber(p.col);
  if (col !== undefined) annotation.col = col;
  const endColumn = toNumber(p.endColumn);
  if (endColumn !== undefined) annotation.endColumn = endColumn;
  if (p.title !== undefined) annotation.title = p.title;
  return annotation;
}

export function parseWorkflowCommands(stdout: string): ParsedCommands {
  const parsed: ParsedCommands = { annotations: [], masks: [], deprecated: [], groups: [], unknown: [] };
  const registered = new Set(REGISTERED);
  let stopToken: string | undefined;
  for (const line of stdout.split(RUNNER_LINE_BREAK)) {
    const command = parseCurrentForm(line, registered) ?? parseLegacyForm(line, registered);
    if (!command) {
      if (stopToken === undefined && /^::[A-Za-z-]+(?: [^:]*)?::/.test(trimStartLikeRunner(line))) {
        parsed.unknown.push(line);
      }
      continue;
    }
    if (stopToken !== undefined) {
      // the runner resumes on `::<token>::` (the token is registered while commands are stopped)
      if (command.name === stopToken.toLowerCase()) {
        registered.delete(command.name);
        stopToken = undefined;
      }
      continue;
    }
    switch (command.name) {
      case 'error':
      case 'warning':
      case 'notice':
        parsed.annotations.push(annotationOf(command.name, command));
        break;
      case 'add-mask':
        if (command.data !== '') parsed.masks.push(command.data);
        break;
      case 'stop-commands':
        if (command.data !== '' && !registered.has(command.data.toLowerCase())) {
          stopToken = command.data;
          registered.add(command.data.toLowerCase());
        }
        break;
      case 'group':
        parsed.groups.push(command.data);
        break;
      case 'set-output':
      case 'save-state':
      case 'set-env':
      case 'add-path':
        parsed.deprecated.push(line);
        break;
      default:
        break;
    }
  }
  return parsed;
}

/** Replaces every registered secret with `***`, as the runner does in the log it shows. */
export function maskLog(text: string, masks: readonly string[]): string {
  let result = text;
  for (const secret of [...masks].sort((a, b) => b.length - a.length)) {
    if (secret.length > 0) result = result.split(secret).join('***');
  }
  return result;
}
