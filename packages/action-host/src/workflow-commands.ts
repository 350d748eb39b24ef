// Workflow commands written to stdout (`::error file=a,line=3::message`, `::add-mask::value`, ...),
// parsed as the runner parses them (actions/runner ActionCommand.cs, ActionCommandManager.cs): the
// `::` form after .NET's TrimStart, the legacy `##[` form anywhere in a line, `::stop-commands::<token>`
// ... `::<token>::`, names without regard to case, and the runner's exact unescaping.
import { RUNNER_LINE_BREAK, trimStartLikeRunner } from '@bakeline/toolkit';
import { type ActionCommand, CommandProcessor } from './action-command.ts';

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

function toNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function annotationOf(level: Annotation['level'], command: ActionCommand): Annotation {
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

/** A step's stdout read line by line with the runner's own processor (action-command.ts). */
export function parseWorkflowCommands(stdout: string): ParsedCommands {
  const parsed: ParsedCommands = { annotations: [], masks: [], deprecated: [], groups: [], unknown: [] };
  const processor = new CommandProcessor();
  for (const line of stdout.split(RUNNER_LINE_BREAK)) {
    const outcome = processor.process(line);
    if (outcome.kind === 'none') {
      if (/^::[A-Za-z-]+(?: [^:]*)?::/.test(trimStartLikeRunner(line)) && !processor.stopped) parsed.unknown.push(line);
      continue;
    }
    if (outcome.kind !== 'command') continue;
    const command = outcome.command;
    const name = command.command.toLowerCase();
    switch (name) {
      case 'error':
      case 'warning':
      case 'notice':
        parsed.annotations.push(annotationOf(name, command));
        break;
      case 'add-mask':
        if (command.data !== '') parsed.masks.push(command.data);
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
