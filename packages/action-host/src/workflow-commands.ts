// Workflow commands written to stdout (`::error file=a,line=3::message`, `::add-mask::value`, ...),
// parsed as the runner parses them, including `::stop-commands::<token>` ... `::<token>::`.

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

const COMMAND = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/;

function unescapeData(value: string): string {
  return value.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}

function unescapeProperty(value: string): string {
  return unescapeData(value).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}

function properties(text: string | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (!text) return result;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) result[part.slice(0, eq).trim()] = unescapeProperty(part.slice(eq + 1));
  }
  return result;
}

function toNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

export function parseWorkflowCommands(stdout: string): ParsedCommands {
  const parsed: ParsedCommands = { annotations: [], masks: [], deprecated: [], groups: [], unknown: [] };
  let stopToken: string | undefined;
  for (const rawLine of stdout.split(/\r?\n/)) {
    const line = rawLine.trimStart();
    if (stopToken !== undefined) {
      // the runner resumes on `::<token>::`, whatever characters the token has (digits included)
      if (line.startsWith(`::${stopToken}::`)) stopToken = undefined;
      continue;
    }
    const match = COMMAND.exec(line);
    if (!match) continue;
    const [, name = '', props, data = ''] = match;
    const p = properties(props);
    switch (name) {
      case 'error':
      case 'warning':
      case 'notice': {
        const annotation: Annotation = { level: name, message: unescapeData(data) };
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
        parsed.annotations.push(annotation);
        break;
      }
      case 'add-mask':
        if (data !== '') parsed.masks.push(unescapeData(data));
        break;
      case 'stop-commands':
        stopToken = data;
        break;
      case 'group':
        parsed.groups.push(unescapeData(data));
        break;
      case 'endgroup':
      case 'debug':
      case 'echo':
        break;
      case 'set-output':
      case 'save-state':
      case 'set-env':
      case 'add-path':
        parsed.deprecated.push(line);
        break;
      default:
        parsed.unknown.push(line);
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
