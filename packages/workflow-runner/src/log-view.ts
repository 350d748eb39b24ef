// One job's log as the terminal shows it, the way GitHub's log viewer shows a step:
// - `::group::title` ... `::endgroup::` folds to one line with its line count (`--verbose`
//   expands it);
// - `::debug::` lines are hidden unless debug is on (`--debug`, or ACTIONS_STEP_DEBUG);
// - `::error` / `::warning` / `::notice` show as annotations, with file and line when given;
// - other workflow commands (set-output, add-matcher, stop-commands, ...) are not shown;
// - when a step fails, the group it was in (or its last folded group) is shown expanded, so
//   that the lines that explain the failure are on screen.
// Lines are classified by log-line-kind.ts (the runner's own command parser): the same lines
// that are commands to the runner are commands here, and nothing between `stop-commands` and its
// token is.
import { annotationLine, LogLineClassifier } from './log-line-kind.ts';

export interface LogViewOptions {
  /** Expand groups instead of folding them. */
  verbose: boolean;
  /** Show `::debug::` lines. */
  debug: boolean;
  /** How many of a failed step's folded lines to show again (the last ones). */
  failureTail: number;
}

interface Group {
  title: string;
  lines: string[];
}

export class JobLogView {
  private readonly lines = new LogLineClassifier();
  private open: Group | undefined;
  /** The last group folded in the current step: shown again if the step fails. */
  private lastFolded: Group | undefined;

  private readonly write: (line: string) => void;
  private readonly options: LogViewOptions;

  constructor(write: (line: string) => void, options: LogViewOptions) {
    this.write = write;
    this.options = options;
  }

  line(raw: string): void {
    const line = this.lines.classify(raw);
    switch (line.kind) {
      case 'text':
        this.content(line.text);
        break;
      case 'group':
        this.startGroup(line.title);
        break;
      case 'endgroup':
        this.closeGroup(false);
        break;
      case 'debug':
        if (this.options.debug) this.content(`debug: ${line.text}`);
        break;
      case 'annotation':
        // an annotation is never folded away: GitHub lists it above the log as well
        this.closeGroup(false);
        this.write(annotationLine(line.level, line.command));
        break;
      case 'hidden':
        break;
    }
  }

  /** The step ended: an open group closes (expanded if the step failed); a failed step's last folded group is shown. */
  stepEnd(failed: boolean): void {
    const wasOpen = this.open !== undefined;
    this.closeGroup(failed);
    if (failed && !wasOpen && this.lastFolded && !this.options.verbose) this.expand(this.lastFolded, true);
    this.lastFolded = undefined;
  }

  private content(text: string): void {
    if (this.open && !this.options.verbose) this.open.lines.push(text);
    else this.write(this.open ? `  ${text}` : text);
  }

  private startGroup(title: string): void {
    // the runner does not nest groups: a second group ends the first
    this.closeGroup(false);
    this.open = { title, lines: [] };
    if (this.options.verbose) this.write(`▾ ${title}`);
  }

  private closeGroup(expand: boolean): void {
    const group = this.open;
    if (!group) return;
    this.open = undefined;
    if (this.options.verbose) return;
    if (expand) {
      this.expand(group, false);
      return;
    }
    const count = group.lines.length;
    this.write(`▸ ${group.title} (${count} line${count === 1 ? '' : 's'})`);
    this.lastFolded = group;
  }

  private expand(group: Group, again: boolean): void {
    const tail = group.lines.slice(-this.options.failureTail);
    const hidden = group.lines.length - tail.length;
    const note = hidden > 0 ? `last ${tail.length} of ${group.lines.length} lines` : `${group.lines.length} lines`;
    this.write(`▾ ${group.title} (${note}${again ? ', shown because the step failed' : ''})`);
    for (const text of tail) this.write(`  ${text}`);
  }
}
