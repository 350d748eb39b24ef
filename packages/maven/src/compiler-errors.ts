// Maven's compiler errors (`[ERROR] /path/File.java:[12,5] message`, with javac's detail lines such
// as `symbol:` and `location:` after it) as file, line, column and message.
import type { SourceLocation } from './failure-location.ts';

export interface CompilerError extends SourceLocation {
  message: string;
}

const HEAD = /^\[ERROR\]\s+(.+?\.(?:java|kt|groovy|scala)):\[(\d+),(\d+)\]\s+(.*)$/;
/** A detail line: indented, with or without Maven's `[ERROR]` prefix (it prints both forms). */
const DETAIL = /^(?:\[ERROR\])?\s{2,}(\S.*)$/;

/** Every compiler error of Maven's output, once each (Maven prints them twice), in order. */
export function parseCompilerErrors(output: string): CompilerError[] {
  const byKey = new Map<string, CompilerError & { details: string[] }>();
  let current: (CompilerError & { details: string[] }) | undefined;
  let currentIsNew = false;
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.replace(/\s+$/, '');
    const head = HEAD.exec(line);
    if (head) {
      const [, file = '', l = '0', c = '0', message = ''] = head;
      const key = `${file}:${l}:${c}:${message}`;
      const seen = byKey.get(key);
      currentIsNew = !seen || seen.details.length === 0;
      current = seen ?? { file, line: Number(l), column: Number(c), message, details: [] };
      if (!seen) byKey.set(key, current);
      continue;
    }
    const detail = current ? DETAIL.exec(line) : null;
    if (current && detail && currentIsNew) {
      current.details.push(detail[1]?.replace(/\s+/g, ' ') ?? '');
      continue;
    }
    current = undefined;
  }
  return [...byKey.values()].map(({ details, ...error }) => ({
    ...error,
    message: details.length > 0 ? `${error.message} (${details.join('; ')})` : error.message,
  }));
}
