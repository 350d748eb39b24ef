// Where a failed test failed: the source file and line of the test, taken from the stack trace.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
}

/** `at [loader/[module@version]/]pkg.Class$Inner.method(File.java:12)` */
const FRAME =
  /^\s*at\s+(?:[\w.$-]*(?:@[\w.+-]+)?\/)*([\w$.]+)\.([\w$<>-]+)\(([\w$-]+\.(?:java|kt|groovy|scala)):(\d+)\)/;

const TEST_ROOTS = ['src/test/java', 'src/it/java', 'src/integration-test/java', 'src/test/kotlin', 'src/test/groovy'];

interface Frame {
  className: string;
  outerClass: string;
  fileName: string;
  line: number;
}

export function parseFrames(stackTrace: string): Frame[] {
  const frames: Frame[] = [];
  for (const text of stackTrace.split('\n')) {
    const match = FRAME.exec(text);
    if (!match) continue;
    const [, className = '', , fileName = '', line = '0'] = match;
    frames.push({ className, outerClass: className.split('$')[0] ?? className, fileName, line: Number(line) });
  }
  return frames;
}

function sourceFile(frame: Frame, moduleDirs: string[]): string | undefined {
  const dot = frame.outerClass.lastIndexOf('.');
  const packagePath = dot > 0 ? frame.outerClass.slice(0, dot).replace(/\./g, '/') : '';
  for (const dir of moduleDirs) {
    for (const root of TEST_ROOTS) {
      const file = join(dir, root, packagePath, frame.fileName);
      if (existsSync(file)) return file;
    }
  }
  return undefined;
}

/** The module a report belongs to: `<module>/target/<surefire|failsafe>-reports/TEST-x.xml`. */
export function reportModule(reportFile: string): string {
  return resolve(dirname(reportFile), '..', '..');
}

/**
 * The failing line in the test sources: the first frame of the test class (nested classes
 * included), else the first frame of any class whose source is a test source of the build (a
 * shared base class or helper). The report's own module is searched first.
 */
export function failureLocation(
  className: string,
  stackTrace: string,
  moduleDirs: string[],
  reportFile?: string,
): SourceLocation | undefined {
  const outer = className.split('$')[0] ?? className;
  const own = reportFile ? reportModule(reportFile) : undefined;
  const searched = own ? [own, ...moduleDirs.filter((d) => resolve(d) !== own)] : moduleDirs;
  const frames = parseFrames(stackTrace);
  const ordered = [...frames.filter((f) => f.outerClass === outer), ...frames.filter((f) => f.outerClass !== outer)];
  for (const frame of ordered) {
    if (frame.outerClass.startsWith('java.') || frame.outerClass.startsWith('org.junit.')) continue;
    const file = sourceFile(frame, searched);
    if (file) return { file, line: frame.line };
  }
  return undefined;
}
