import { cpSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, fixturesDir, scratch } from '../test/scratch.ts';
import { parseReport, readReports } from './reports.ts';

const counts = (r: { total: number; passed: number; failed: number; skipped: number; flaky: number }) => [
  r.total,
  r.passed,
  r.failed,
  r.skipped,
  r.flaky,
];

describe('parseReport', () => {
  it.each([
    // fixture, [total, passed, failed, skipped, flaky]
    ['surefire-failing-01.xml', [3, 2, 1, 0, 0]],
    ['failsafe-skipped-error-01.xml', [3, 1, 1, 1, 0]],
    ['surefire-nested-01.xml', [9, 3, 5, 1, 0]],
    ['surefire-edge-cases-01.xml', [3, 0, 3, 0, 0]],
    ['junit-testsuites-01.xml', [3, 1, 1, 1, 0]],
  ])('counts %s', (name, expected) => {
    expect(counts(parseReport(fixture(name), name))).toEqual(expected);
  });

  it.each([
    // fixture, class, method, kind, message, type
    [
      'surefire-failing-01.xml',
      'fixture.CalculatorTest',
      'multiplies',
      'failure',
      '2 times 3 ==> expected: <6> but was: <5>',
      'org.opentest4j.AssertionFailedError',
    ],
    [
      'failsafe-skipped-error-01.xml',
      'it.OrderIT',
      'talksToDb',
      'error',
      'Connection refused',
      'java.net.ConnectException',
    ],
    [
      'surefire-nested-01.xml',
      'demo.OrderTest',
      'failsWithSpecialCharacters',
      'failure',
      `quotes & <tags> ==> expected: <<a & "b">> but was: <<a & 'b'>>`,
      'org.opentest4j.AssertionFailedError',
    ],
    [
      'surefire-nested-01.xml',
      'demo.OrderTest',
      'isPositive(int)[2]',
      'failure',
      'n was 2 ==> expected: <true> but was: <false>',
      'org.opentest4j.AssertionFailedError',
    ],
    [
      'surefire-nested-01.xml',
      'demo.OrderTest$WhenEmpty',
      'hasNoLines',
      'failure',
      'empty order ==> expected: <1> but was: <0>',
      'org.opentest4j.AssertionFailedError',
    ],
    [
      'surefire-nested-01.xml',
      'demo.OrderTest',
      'throwsUnexpectedly',
      'error',
      'Cannot invoke "Object.toString()" because "value" is null',
      'java.lang.NullPointerException',
    ],
    [
      'surefire-edge-cases-01.xml',
      'demo.EdgeTest',
      'failsWithTwoLines',
      'failure',
      'first line\nsecond line ==> expected: <a\nb> but was: <a\nc>',
      'org.opentest4j.AssertionFailedError',
    ],
    // No message attribute: the first line of the trace stands in.
    [
      'surefire-edge-cases-01.xml',
      'demo.EdgeTest',
      'throwsWithoutMessage',
      'failure',
      'java.lang.AssertionError',
      'java.lang.AssertionError',
    ],
    // No classname: the suite's name stands in.
    [
      'junit-testsuites-01.xml',
      'api.HealthIT',
      'answersJson',
      'failure',
      'expected application/json',
      'java.lang.AssertionError',
    ],
  ])('%s: %s.%s is a %s with message %j', (name, className, method, kind, message, type) => {
    const failure = parseReport(fixture(name), name).failures.find((f) => f.method === method);
    expect(failure).toMatchObject({ className, method, kind, message, type, reportFile: name });
    expect(failure?.stackTrace).toMatch(/^[\w.]+(Error|Exception)/);
  });

  it('keeps the whole stack trace of a failure', () => {
    const [failure] = parseReport(fixture('surefire-failing-01.xml'), 'x').failures;
    expect(failure?.stackTrace).toContain('at fixture.CalculatorTest.multiplies(CalculatorTest.java:17)');
  });

  it('refuses a report that is not XML, naming the file', () => {
    expect(() => parseReport('<testsuite><testcase></testsuite>', 'TEST-broken.xml')).toThrow('TEST-broken.xml');
  });
});

describe('readReports', () => {
  it('reads Surefire and Failsafe reports of every module, in module order', () => {
    const root = scratch();
    const lib = join(root, 'lib');
    for (const [dir, sub, name] of [
      [root, 'surefire-reports', 'surefire-failing-01.xml'],
      [lib, 'surefire-reports', 'surefire-edge-cases-01.xml'],
      [lib, 'failsafe-reports', 'failsafe-skipped-error-01.xml'],
    ] as const) {
      mkdirSync(join(dir, 'target', sub), { recursive: true });
      cpSync(join(fixturesDir, name), join(dir, 'target', sub, `TEST-${name}`));
    }
    writeFileSync(join(root, 'target', 'surefire-reports', 'fixture.CalculatorTest.txt'), 'not a report');
    const report = readReports([root, lib]);
    expect(counts(report)).toEqual([9, 3, 5, 1, 0]);
    expect(report.files.map((f) => f.slice(root.length + 1))).toEqual([
      'target/surefire-reports/TEST-surefire-failing-01.xml',
      'lib/target/surefire-reports/TEST-surefire-edge-cases-01.xml',
      'lib/target/failsafe-reports/TEST-failsafe-skipped-error-01.xml',
    ]);
    expect(report.failures.map((f) => f.method)).toEqual([
      'multiplies',
      'failsInAHelper',
      'failsWithTwoLines',
      'throwsWithoutMessage',
      'talksToDb',
    ]);
  });

  it('counts a test case once when Surefire writes it into two reports (reruns), flaky ones as passed', () => {
    const module = scratch();
    cpSync(join(fixturesDir, 'surefire-rerun-01'), join(module, 'target', 'surefire-reports'), { recursive: true });
    const report = readReports([module]);
    // What Maven printed for this run: Tests run: 9, Failures: 3, Errors: 1, Skipped: 1, Flakes: 1
    expect(counts(report)).toEqual([9, 4, 4, 1, 1]);
    expect(report.failures.filter((f) => f.method === 'isPositive(int)[2]')).toHaveLength(1);
    expect(report.files).toHaveLength(2);
  });

  it('leaves out reports older than the build (an earlier build in the same work tree)', () => {
    const module = scratch();
    const dir = join(module, 'target', 'surefire-reports');
    mkdirSync(dir, { recursive: true });
    cpSync(join(fixturesDir, 'surefire-failing-01.xml'), join(dir, 'TEST-old.xml'));
    cpSync(join(fixturesDir, 'surefire-edge-cases-01.xml'), join(dir, 'TEST-new.xml'));
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(join(dir, 'TEST-old.xml'), old, old);
    const report = readReports([module], { since: Date.now() - 60_000 });
    expect(report.files).toEqual([join(dir, 'TEST-new.xml')]);
    expect(report.total).toBe(3);
  });

  it('gives zero counts when no module has reports', () => {
    expect(counts(readReports([scratch()]))).toEqual([0, 0, 0, 0, 0]);
  });
});
