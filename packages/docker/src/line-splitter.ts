// Turns a child's output chunks into whole lines, so every line a caller prints (and
// neutralizes) is one line of the child's output, never a piece of one.

export class LineSplitter {
  private pending = '';
  private readonly onLine: (line: string) => void;
  constructor(onLine: (line: string) => void) {
    this.onLine = onLine;
  }

  push(chunk: string): void {
    const text = this.pending + chunk;
    const lines = text.split(/\r?\n/);
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
  }

  /** Emits what is left after the last newline. */
  flush(): void {
    if (this.pending !== '') this.onLine(this.pending);
    this.pending = '';
  }
}
