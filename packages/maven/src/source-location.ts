// Where a failure happened: the test source file and line, from the stack trace frame of the
// test class; and where Maven's compiler errors point.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
}

const FRAME = /^\s*at\s+([\w$.]+)\.([\w$<>]+)\(([\w$]+\.(?:java|kt|groovy|scala)):(\d+)\)/;

/** The first frame of `className` (or one of its nested classes) in the trace, as a source file under the module. */
export function failureLocation(
  className: string,
  stackTrace: string,
  moduleDirs: string[],
): SourceLocation | undefined {
  for (const line of stackTrace.split('\n')) {
    const match = FRAME.exec(line);
    if (!match) continue;
    const [, frameClass = '', , fileName = '', lineNumber = '0'] = match;
    const outer = frameClass.split('$')[0] ?? frameClass;
    if (outer !== className) continue;
    const packagePath = className.includes('.')
      ? className.slice(0, className.lastIndexOf('.')).replace(/\./g, '/')
      : '';
    for (const dir of moduleDirs) {
      for (const root of ['src/test/java', 'src/it/java', 'src/test/kotlin', 'src/main/java']) {
        const file = join(dir, root, packagePath, fileName);
        if (existsSync(file)) return { file, line: Number(lineNumber) };
      }
    }
  }
  return undefined;
}

export interface CompilerError extends SourceLocation {
  message: string;
}

const COMPILER_ERROR = /^\[ERROR\]\s+(\/[^\s:]+\.(?:java|kt)):\[(\d+),(\d+)\]\s+(.*)$/;

/** `[ERROR] /path/File.java:[6,12] cannot find symbol` lines of Maven's output, deduplicated. */
export function parseCompilerErrors(output: string): CompilerError[] {
  const seen = new Set<string>();
  const errors: CompilerError[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = COMPILER_ERROR.exec(line.trim());
    if (!match) continue;
    const [, file = '', l = '0', c = '0', message = ''] = match;
    const key = `${file}:${l}:${c}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push({ file, line: Number(l), column: Number(c), message });
  }
  return errors;
}
