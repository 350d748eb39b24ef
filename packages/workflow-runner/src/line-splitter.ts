// Turns streamed text chunks into whole lines.
export function lineSplitter(onLine: (line: string) => void): { push(text: string): void; flush(): void } {
  let pending = '';
  return {
    push(text: string) {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    },
    flush() {
      if (pending !== '') onLine(pending);
      pending = '';
    },
  };
}
