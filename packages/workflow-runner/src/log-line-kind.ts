// What one line of a job's log is to a log viewer, decided by the runner's own command parser
// (CommandProcessor): the terminal view (log-view.ts) and the run page (run-page/) both show
// the same lines as groups, annotations, debug lines or text, and hide the same commands.
import { type ActionCommand, CommandProcessor } from '@bakeline/action-host';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export type LogLineKind =
  | { kind: 'text'; text: string }
  | { kind: 'group'; title: string }
  | { kind: 'endgroup' }
  | { kind: 'debug'; text: string }
  | { kind: 'annotation'; level: AnnotationLevel; command: ActionCommand }
  /** a command that acts on the run (set-output, add-matcher, stop-commands, ...): not shown */
  | { kind: 'hidden' };

const LEVELS: ReadonlySet<string> = new Set<AnnotationLevel>(['error', 'warning', 'notice']);

/** Classifies one job's lines in order (the stop-commands state carries from line to line). */
export class LogLineClassifier {
  private readonly commands = new CommandProcessor();

  classify(raw: string): LogLineKind {
    const outcome = this.commands.process(raw);
    if (outcome.kind === 'stopped' || outcome.kind === 'resumed') return { kind: 'hidden' };
    if (outcome.kind !== 'command') return { kind: 'text', text: raw };
    const { command } = outcome;
    const name = command.command.toLowerCase();
    if (name === 'group') return { kind: 'group', title: command.data };
    if (name === 'endgroup') return { kind: 'endgroup' };
    if (name === 'debug') return { kind: 'debug', text: command.data };
    if (LEVELS.has(name)) return { kind: 'annotation', level: name as AnnotationLevel, command };
    return { kind: 'hidden' };
  }
}

const LABEL: Record<AnnotationLevel, string> = { error: 'Error', warning: 'Warning', notice: 'Notice' };

/** Where an annotation points, `src/Main.java:12:5`, or '' without a file. */
export function annotationWhere(command: ActionCommand): string {
  const { file, line, col } = command.properties;
  return file ? `${file}${line ? `:${line}${col ? `:${col}` : ''}` : ''}` : '';
}

/** `Error: src/Main.java:12:5: title: message`, as a compiler would put it (terminals link it). */
export function annotationLine(level: AnnotationLevel, command: ActionCommand): string {
  const where = annotationWhere(command);
  const title = command.properties.title;
  return `${LABEL[level]}: ${where ? `${where}: ` : ''}${title ? `${title}: ` : ''}${command.data}`;
}
