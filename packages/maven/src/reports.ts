// Surefire and Failsafe XML reports of every module, parsed into counts and failures.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

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
  /** Passed only on a rerun (`-Dsurefire.rerunFailingTestsCount`); counted as passed too. */
  flaky: number;
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
  htmlEntities: true, // Surefire writes newlines in messages as &#10;
  isArray: (name) =>
    ['testsuite', 'testcase', 'failure', 'error', 'skipped', 'flakyFailure', 'flakyError'].includes(name),
});

type Node = Record<string, unknown>;
type Outcome = 'passed' | 'failed' | 'skipped' | 'flaky';

interface Case {
  key: string;
  outcome: Outcome;
  failure: TestFailure | undefined;
}

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

function list(node: Node, name: string): unknown[] {
  const value = node[name];
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function emptyReport(files: string[] = []): TestReport {
  return { total: 0, passed: 0, failed: 0, skipped: 0, flaky: 0, failures: [], files };
}

function parseCases(xml: string, reportFile: string): Case[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new Error(`cannot parse the test report ${reportFile}: line ${valid.err.line}: ${valid.err.msg}`);
  }
  const doc = parser.parse(xml) as Node;
  const suites = [...list(doc, 'testsuite'), ...list((doc.testsuites as Node | undefined) ?? {}, 'testsuite')];
  const cases: Case[] = [];
  for (const suite of suites as Node[]) {
    for (const testcase of list(suite, 'testcase') as Node[]) {
      const className = attr(testcase, 'classname') || attr(suite, 'name');
      const method = attr(testcase, 'name');
      const key = `${className}#${method}`;
      const problem =
        list(testcase, 'failure').map((node) => ['failure', node] as const)[0] ??
        list(testcase, 'error').map((node) => ['error', node] as const)[0];
      if (problem) {
        const [kind, node] = problem;
        const stackTrace = text(node).trim();
        cases.push({
          key,
          outcome: 'failed',
          failure: {
            className,
            method,
            kind,
            // No message (e.g. `fail()`): the first line of the trace says what was thrown.
            message: attr(node, 'message') || stackTrace.split('\n')[0]?.trim() || '',
            type: attr(node, 'type'),
            stackTrace,
            reportFile,
          },
        });
      } else if (testcase.skipped !== undefined) {
        cases.push({ key, outcome: 'skipped', failure: undefined });
      } else if (testcase.flakyFailure !== undefined || testcase.flakyError !== undefined) {
        cases.push({ key, outcome: 'flaky', failure: undefined });
      } else {
        cases.push({ key, outcome: 'passed', failure: undefined });
      }
    }
  }
  return cases;
}

const SEVERITY: Record<Outcome, number> = { passed: 0, flaky: 1, skipped: 2, failed: 3 };

/**
 * Counts the test cases of report files that belong together (one reports directory). Surefire
 * 3.2 with JUnit 5 can write one test case into two files (reruns, nested classes); a test case is
 * counted once, with its worst outcome.
 */
function summarize(reports: { xml: string; file: string }[]): TestReport {
  const byKey = new Map<string, Case>();
  for (const { xml, file } of reports) {
    for (const c of parseCases(xml, file)) {
      const seen = byKey.get(c.key);
      if (!seen || SEVERITY[c.outcome] > SEVERITY[seen.outcome]) byKey.set(c.key, c);
    }
  }
  const report = emptyReport(reports.map((r) => r.file));
  for (const c of byKey.values()) {
    report.total++;
    if (c.outcome === 'failed') {
      report.failed++;
      if (c.failure) report.failures.push(c.failure);
    } else if (c.outcome === 'skipped') report.skipped++;
    else {
      report.passed++;
      if (c.outcome === 'flaky') report.flaky++;
    }
  }
  return report;
}

/** Parses one TEST-*.xml report. */
export function parseReport(xml: string, reportFile: string): TestReport {
  return summarize([{ xml, file: reportFile }]);
}

export interface ReadReportsOptions {
  /** Only reports written at or after this time (ms since the epoch): stale ones of an earlier build are left out. */
  since?: number;
}

/** Every Surefire and Failsafe report under the given module directories. */
export function readReports(moduleDirs: string[], options: ReadReportsOptions = {}): TestReport {
  const total = emptyReport();
  for (const dir of moduleDirs) {
    for (const sub of ['surefire-reports', 'failsafe-reports']) {
      const reportsDir = join(dir, 'target', sub);
      if (!existsSync(reportsDir)) continue;
      const files = readdirSync(reportsDir)
        .filter((name) => /^TEST-.*\.xml$/.test(name))
        .sort()
        .map((name) => join(reportsDir, name))
        .filter((file) => options.since === undefined || statSync(file).mtimeMs >= options.since);
      const one = summarize(files.map((file) => ({ xml: readFileSync(file, 'utf8'), file })));
      total.total += one.total;
      total.passed += one.passed;
      total.failed += one.failed;
      total.skipped += one.skipped;
      total.flaky += one.flaky;
      total.failures.push(...one.failures);
      total.files.push(...one.files);
    }
  }
  return total;
}
