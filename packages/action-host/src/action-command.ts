// Workflow commands in a step's output, parsed as actions/runner parses them
// (src/Runner.Common/ActionCommand.cs and src/Runner.Worker/ActionCommandManager.cs):
//  - `::name props::data` at the start of a line after .NET's TrimStart, which strips every
//    char.IsWhiteSpace character (U+0085 and U+00A0 included, U+FEFF not), unlike JavaScript's `\s`;
//  - the legacy `##[name props]data` anywhere in a line;
//  - command names compared case-insensitively, and only registered names are commands;
//  - data unescaped with ordinal (case-sensitive) replaces, %0D then %0A then %25;
//  - `stop-commands` refuses an empty token, `pause-logging` or a command name; while stopped,
//    only a command named like the token (in either form) resumes.
import { trimStartLikeRunner } from '@bakeline/toolkit';

/** The commands the runner registers (its command extensions plus stop-commands). */
export const RUNNER_COMMANDS = [
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

/** The runner's text for a refused stop token (Constants.Runner.UnsupportedStopCommandTokenDisabled). */
export const UNSUPPORTED_STOP_TOKEN =
  "You cannot use a endToken that is an empty string, the string 'pause-logging', or another workflow command. For more information see: https://docs.github.com/actions/learn-github-actions/workflow-commands-for-github-actions#example-stopping-and-starting-workflow-commands or opt into insecure command execution by setting the `ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS` environment variable to `true`.";

export interface ActionCommand {
  /** As written (compare lower-cased). */
  command: string;
  properties: Record<string, string>;
  data: string;
}

/** .NET's TrimStart (char.IsWhiteSpace), as toolkit's neutralizer assumes it. */
export const dotnetTrimStart = trimStartLikeRunner;

function replaceAll(text: string, mappings: readonly (readonly [string, string])[]): string {
  let out = text;
  for (const [escaped, token] of mappings) out = out.split(escaped).join(token);
  return out;
}

const DATA: readonly (readonly [string, string])[] = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%25', '%'],
];
const PROPERTY: readonly (readonly [string, string])[] = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%3A', ':'],
  ['%2C', ','],
  ['%25', '%'],
];
const LEGACY: readonly (readonly [string, string])[] = [
  ['%3B', ';'],
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%5D', ']'],
  ['%25', '%'],
];

/** ActionCommand.UnescapeData. */
export function unescapeData(text: string): string {
  return replaceAll(text, DATA);
}

function splitProperties(
  text: string,
  separator: string,
  unescapeValue: (v: string) => string,
  into: Record<string, string>,
): void {
  for (const part of text.split(separator)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    // String.Split('=', 2, RemoveEmptyEntries): a pair needs a non-empty name and value
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    const pair = [name, value].filter((p) => p !== '');
    if (pair.length === 2) into[pair[0] as string] = unescapeValue(pair[1] as string);
  }
}

function commandName(info: string): string {
  const space = info.indexOf(' ');
  return space < 0 ? info : info.slice(0, space);
}

/** ActionCommand.TryParseV2: `::name props::data` after TrimStart. */
export function parseV2(line: string, registered: ReadonlySet<string>): ActionCommand | undefined {
  const message = dotnetTrimStart(line);
  if (!message.startsWith('::')) return undefined;
  const end = message.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = message.slice(2, end);
  const name = commandName(info);
  if (!registered.has(name.toLowerCase())) return undefined;
  const properties: Record<string, string> = {};
  const space = info.indexOf(' ');
  if (space > 0) splitProperties(info.slice(space + 1).trim(), ',', (v) => replaceAll(v, PROPERTY), properties);
  return { command: name, properties, data: unescapeData(message.slice(end + 2)) };
}

/** ActionCommand.TryParse: `##[name props]data` anywhere in the line. */
export function parseLegacy(line: string, registered: ReadonlySet<string>): ActionCommand | undefined {
  const prefix = line.indexOf('##[');
  if (prefix < 0) return undefined;
  const rb = line.indexOf(']', prefix);
  if (rb < 0) return undefined;
  const info = line.slice(prefix + 3, rb);
  const name = commandName(info);
  if (!registered.has(name.toLowerCase())) return undefined;
  const properties: Record<string, string> = {};
  const space = info.indexOf(' ');
  if (space > 0) splitProperties(info.slice(space + 1), ';', (v) => replaceAll(v, LEGACY), properties);
  return { command: name, properties, data: replaceAll(line.slice(rb + 1), LEGACY) };
}

export type CommandOutcome =
  | { kind: 'none' }
  | { kind: 'command'; command: ActionCommand }
  | { kind: 'stopped'; token: string }
  | { kind: 'resumed' }
  | { kind: 'refused'; message: string };

/** ActionCommandManager.TryProcessCommand, for one job's output (stop state carries across its steps). */
export class CommandProcessor {
  private readonly registered = new Set<string>(RUNNER_COMMANDS);
  private stopToken: string | undefined;

  /** Whether commands are stopped (between `stop-commands` and its token). */
  get stopped(): boolean {
    return this.stopToken !== undefined;
  }

  process(line: string): CommandOutcome {
    if (line === '') return { kind: 'none' };
    const parsed = parseV2(line, this.registered) ?? parseLegacy(line, this.registered);
    if (parsed === undefined) return { kind: 'none' };
    const name = parsed.command.toLowerCase();
    if (this.stopToken !== undefined) {
      if (name !== this.stopToken.toLowerCase()) return { kind: 'none' };
      this.registered.delete(this.stopToken.toLowerCase());
      this.stopToken = undefined;
      return { kind: 'resumed' };
    }
    if (name === 'stop-commands') {
      const token = parsed.data;
      if (token === '' || this.registered.has(token.toLowerCase()) || token.toLowerCase() === 'pause-logging') {
        return { kind: 'refused', message: UNSUPPORTED_STOP_TOKEN };
      }
      this.stopToken = token;
      this.registered.add(token.toLowerCase());
      return { kind: 'stopped', token };
    }
    return { kind: 'command', command: parsed };
  }
}
