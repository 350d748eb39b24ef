// Surefire and Failsafe XML reports of every module, parsed into counts and failures.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';

export interface TestFailure {
  className: string;
  method: string;
  kind: 'failure' | 'error';
  message: string;
  type: string;
  stackTrace: string;
  reportFile: string;
}

export interface TestCounts {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
}

export interface TestReport extends TestCounts {
  failures: TestFailure[];
  files: string[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
});

type Node = Record<string, unknown>;

function text(node: unknown): string {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object' && '#text' in node) return String((node as Node)['#text']);
  return '';
}

function attr(node: unknown, name: string): string {
  return node && typeof node === 'object' && typeof (node as Node)[name] === 'string'
    ? String((node as Node)[name])
    : '';
}

/** Parses one TEST-*.xml report. */
export function parseReport(xml: string, reportFile: string): TestReport {
  const doc = parser.parse(xml) as Node;
  const suites =
    (doc.testsuite as Node[] | undefined) ??
    ((doc.testsuites as Node | undefined)?.testsuite as Node[] | undefined) ??
    [];
  const report: TestReport = { total: 0, passed: 0, failed: 0, skipped: 0, failures: [], files: [reportFile] };
  for (const suite of suites) {
    for (const testcase of (suite.testcase as Node[] | undefined) ?? []) {
      report.total++;
      const problems = [
        ...((testcase.failure as unknown[] | undefined) ?? []).map((f) => ['failure', f] as const),
        ...((testcase.error as unknown[] | undefined) ?? []).map((f) => ['error', f] as const),
      ];
      if (problems.length > 0) {
        report.failed++;
        const [kind, node] = problems[0] ?? ['failure', {}];
        report.failures.push({
          className: attr(testcase, 'classname'),
          method: attr(testcase, 'name'),
          kind,
          message: attr(node, 'message'),
          type: attr(node, 'type'),
          stackTrace: text(node).trim(),
          reportFile,
        });
      } else if (testcase.skipped !== undefined) {
        report.skipped++;
      } else {
        report.passed++;
      }
    }
  }
  return report;
}

/** Every Surefire and Failsafe report under the given module directories. */
export function readReports(moduleDirs: string[]): TestReport {
  const total: TestReport = { total: 0, passed: 0, failed: 0, skipped: 0, failures: [], files: [] };
  for (const dir of moduleDirs) {
    for (const sub of ['surefire-reports', 'failsafe-reports']) {
      const reportsDir = join(dir, 'target', sub);
      if (!existsSync(reportsDir)) continue;
      for (const name of readdirSync(reportsDir).sort()) {
        if (!/^TEST-.*\.xml$/.test(name)) continue;
        const file = join(reportsDir, name);
        const one = parseReport(readFileSync(file, 'utf8'), file);
        total.total += one.total;
        total.passed += one.passed;
        total.failed += one.failed;
        total.skipped += one.skipped;
        total.failures.push(...one.failures);
        total.files.push(file);
      }
    }
  }
  return total;
}
