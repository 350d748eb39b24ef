// An independent reading of a step's raw stdout as the GitHub runner reads it, written from the
// runner's source (actions/runner: src/Runner.Common/ActionCommand.cs TryParseV2 and TryParse,
// src/Runner.Worker/ActionCommandManager.cs TryProcessCommand), not from the harness's parser:
// - lines end at \r, \n or \r\n (the runner reads the process output with ReadLine);
// - `::cmd props::data` counts after .NET's String.TrimStart(), whose white space is
//   char.IsWhiteSpace: \t \n \v \f \r, space, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028,
//   U+2029, U+202F, U+205F, U+3000 (JavaScript's \s lacks U+0085 and has U+FEFF);
// - when that fails, the legacy `##[cmd props]data` counts ANYWHERE in the line;
// - command names are matched without regard to case, and only registered names count;
// - `stop-commands` pauses every command until one named by its token; the token is then a
//   registered name until it is used.

export interface RunnerCommand {
  form: 'v2' | 'legacy';
  command: string;
  properties: Record<string, string>;
  data: string;
  /** 0-based line index in the split stdout */
  line: number;
  raw: string;
}

/** Commands the runner registers (ActionCommandManager.Initialize and its extensions). */
export const REGISTERED_COMMANDS = [
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo',
] as const;

/** .NET's char.IsWhiteSpace, the set String.TrimStart() removes. */
const DOTNET_WHITESPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
  0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

export function dotnetTrimStart(text: string): string {
  let i = 0;
  while (i < text.length && DOTNET_WHITESPACE.has(text.charCodeAt(i))) i++;
  return text.slice(i);
}

/** Splits as .NET's TextReader.ReadLine: \r\n, \r or \n end a line. */
export function runnerLines(stdout: string): string[] {
  const lines = stdout.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function unescapeV2Data(value: string): string {
  return value.replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%25', '%');
}

function unescapeV2Property(value: string): string {
  return value
    .replaceAll('%0D', '\r')
    .replaceAll('%0A', '\n')
    .replaceAll('%3A', ':')
    .replaceAll('%2C', ',')
    .replaceAll('%25', '%');
}

function unescapeLegacy(value: string): string {
  return value
    .replaceAll('%3B', ';')
    .replaceAll('%0D', '\r')
    .replaceAll('%0A', '\n')
    .replaceAll('%5D', ']')
    .replaceAll('%25', '%');
}

function parseV2(message: string, registered: Set<string>): Omit<RunnerCommand, 'line' | 'raw'> | undefined {
  if (message === '') return undefined;
  const trimmed = dotnetTrimStart(message);
  if (!trimmed.startsWith('::')) return undefined;
  const end = trimmed.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = trimmed.slice(2, end);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!registered.has(name.toLowerCase())) return undefined;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const part of dotnetTrim(info.slice(space + 1))
      .split(',')
      .filter((p) => p !== '')) {
      const eq = part.indexOf('=');
      if (eq > 0 && eq < part.length - 1)
        properties[part.slice(0, eq).toLowerCase()] = unescapeV2Property(part.slice(eq + 1));
    }
  }
  return { form: 'v2', command: name, properties, data: unescapeV2Data(trimmed.slice(end + 2)) };
}

function dotnetTrim(text: string): string {
  let end = text.length;
  while (end > 0 && DOTNET_WHITESPACE.has(text.charCodeAt(end - 1))) end--;
  return dotnetTrimStart(text.slice(0, end));
}

function parseLegacy(message: string, registered: Set<string>): Omit<RunnerCommand, 'line' | 'raw'> | undefined {
  if (message === '') return undefined;
  const prefix = message.indexOf('##[');
  if (prefix < 0) return undefined;
  const rb = message.indexOf(']', prefix);
  if (rb < 0) return undefined;
  const info = message.slice(prefix + 3, rb);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!registered.has(name.toLowerCase())) return undefined;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const part of info
      .slice(space + 1)
      .split(';')
      .filter((p) => p !== '')) {
      const eq = part.indexOf('=');
      if (eq > 0 && eq < part.length - 1)
        properties[part.slice(0, eq).toLowerCase()] = unescapeLegacy(part.slice(eq + 1));
    }
  }
  return { form: 'legacy', command: name, properties, data: unescapeLegacy(message.slice(rb + 1)) };
}

/** Every command the runner would process in `stdout`, in order (resume tokens included). */
export function runnerCommands(stdout: string): RunnerCommand[] {
  const registered = new Set<string>(REGISTERED_COMMANDS);
  const found: RunnerCommand[] = [];
  let stopToken: string | undefined;
  runnerLines(stdout).forEach((raw, line) => {
    const parsed = parseV2(raw, registered) ?? parseLegacy(raw, registered);
    if (parsed === undefined) return;
    const name = parsed.command.toLowerCase();
    if (stopToken !== undefined) {
      if (name === stopToken.toLowerCase()) {
        registered.delete(stopToken.toLowerCase());
        stopToken = undefined;
        found.push({ ...parsed, line, raw });
      }
      return;
    }
    if (name === 'stop-commands') {
      stopToken = parsed.data;
      registered.add(stopToken.toLowerCase());
    }
    found.push({ ...parsed, line, raw });
  });
  return found;
}

/**
 * Commands carrying `marker` where an injected command would carry it: in a property, at the
 * start of the data, or as a stop/resume token. A bakeline annotation that quotes hostile text
 * after its own words is not an injection; a command whose data starts with the marker is.
 */
export function injectedCommands(stdout: string, marker: string): RunnerCommand[] {
  return runnerCommands(stdout).filter(
    (c) =>
      c.command.includes(marker) ||
      dotnetTrimStart(c.data).startsWith(marker) ||
      Object.values(c.properties).some((v) => v.includes(marker)) ||
      (c.command.toLowerCase() === 'stop-commands' && c.data.includes(marker)) ||
      (c.command.toLowerCase() === 'add-mask' && c.data.includes(marker)),
  );
}
