import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitArguments } from './arguments.ts';
import { globToRegExp } from './artifact.ts';
import { mavenCacheKeys } from './cache-key.ts';
import { isoFromEpoch, mavenCommand } from './maven-command.ts';
import { parseReport } from './reports.ts';
import { failureLocation, parseCompilerErrors } from './source-location.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', name), 'utf8');

describe('splitArguments', () => {
  it.each([
    ['-o -DskipITs', ['-o', '-DskipITs']],
    ['-Dmsg="hello world" -P a,b', ['-Dmsg=hello world', '-P', 'a,b']],
    ["-Dx='$(id)' ; rm -rf /", ['-Dx=$(id)', ';', 'rm', '-rf', '/']],
    ['-Dy=`id` | cat && echo ~ *', ['-Dy=`id`', '|', 'cat', '&&', 'echo', '~', '*']],
    ['a\\ b "c\\"d"', ['a b', 'c"d']],
    ['  ', []],
  ])('%j -> %j (no shell: metacharacters stay literal)', (text, argv) => {
    expect(splitArguments(text)).toEqual(argv);
  });

  it('refuses an unterminated quote', () => {
    expect(() => splitArguments('-Dx="open')).toThrow('unterminated " quote');
  });
});

describe('mavenCommand', () => {
  const dir = mkdtempSync(join(tmpdir(), 'maven-cmd-'));
  it('runs mvn in batch mode with the timestamp, settings, arguments, then goals; never adds -o', () => {
    const cmd = mavenCommand({
      workingDirectory: dir,
      goals: ['verify'],
      arguments: ['-Pci'],
      settingsFile: '/ws/settings.xml',
      useWrapper: true,
      outputTimestamp: '2023-11-14T22:13:20Z',
    });
    expect(cmd).toEqual({
      command: 'mvn',
      wrapper: false,
      args: [
        '-B',
        '--no-transfer-progress',
        '-s',
        '/ws/settings.xml',
        '-Dproject.build.outputTimestamp=2023-11-14T22:13:20Z',
        '-Pci',
        'verify',
      ],
    });
    expect(cmd.args).not.toContain('-o');
  });

  it('uses an executable ./mvnw unless told not to', () => {
    writeFileSync(join(dir, 'mvnw'), '#!/bin/sh\n');
    chmodSync(join(dir, 'mvnw'), 0o755);
    expect(mavenCommand({ workingDirectory: dir, goals: [], arguments: [], useWrapper: true }).command).toBe(
      join(dir, 'mvnw'),
    );
    expect(mavenCommand({ workingDirectory: dir, goals: [], arguments: [], useWrapper: false }).command).toBe('mvn');
  });

  it('formats SOURCE_DATE_EPOCH as Maven wants it', () => {
    expect(isoFromEpoch(1_700_000_000)).toBe('2023-11-14T22:13:20Z');
  });
});

describe('reports', () => {
  it('reads a Surefire report with a failure', () => {
    const report = parseReport(fixture('surefire-failing-01.xml'), 'surefire-failing-01.xml');
    expect({ total: report.total, passed: report.passed, failed: report.failed, skipped: report.skipped }).toEqual({
      total: 3,
      passed: 2,
      failed: 1,
      skipped: 0,
    });
    expect(report.failures[0]).toMatchObject({
      className: 'fixture.CalculatorTest',
      method: 'multiplies',
      kind: 'failure',
      message: '2 times 3 ==> expected: <6> but was: <5>',
      type: 'org.opentest4j.AssertionFailedError',
    });
    expect(report.failures[0]?.stackTrace).toContain('at fixture.CalculatorTest.multiplies(CalculatorTest.java:17)');
  });

  it('reads errors and skipped tests of a Failsafe report', () => {
    const report = parseReport(fixture('failsafe-skipped-error-01.xml'), 'x');
    expect([report.total, report.passed, report.failed, report.skipped]).toEqual([3, 1, 1, 1]);
    expect(report.failures[0]).toMatchObject({ kind: 'error', message: 'Connection refused' });
  });
});

describe('failure and compiler error locations', () => {
  const module = mkdtempSync(join(tmpdir(), 'maven-loc-'));
  mkdirSync(join(module, 'src/test/java/it'), { recursive: true });
  writeFileSync(join(module, 'src/test/java/it/OrderIT.java'), 'class OrderIT {}');

  it('takes the first frame of the test class, nested classes included', () => {
    const trace = parseReport(fixture('failsafe-skipped-error-01.xml'), 'x').failures[0]?.stackTrace ?? '';
    expect(failureLocation('it.OrderIT', trace, [module])).toEqual({
      file: join(module, 'src/test/java/it/OrderIT.java'),
      line: 40,
    });
    expect(failureLocation('it.Other', trace, [module])).toBeUndefined();
  });

  it('parses javac errors as Maven prints them, once each', () => {
    const output = [
      '[INFO] Compiling 1 source file',
      '[ERROR] /ws/src/main/java/fixture/Broken.java:[6,12] cannot find symbol',
      '[ERROR] COMPILATION ERROR :',
      '[ERROR] /ws/src/main/java/fixture/Broken.java:[6,12] cannot find symbol',
      '[ERROR] Failed to execute goal',
    ].join('\n');
    expect(parseCompilerErrors(output)).toEqual([
      { file: '/ws/src/main/java/fixture/Broken.java', line: 6, column: 12, message: 'cannot find symbol' },
    ]);
  });
});

describe('globToRegExp and cache keys', () => {
  it.each([
    ['service/target/*.jar', 'service/target/multi-service-2.1.0.jar', true],
    ['**/target/multi-service-*.jar', 'service/target/multi-service-2.1.0.jar', true],
    ['*/target/*.jar', 'a/b/target/x.jar', false],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(globToRegExp(pattern).test(path)).toBe(expected);
  });

  it('changes the key when a pom changes, keeping the restore prefix', () => {
    const root = mkdtempSync(join(tmpdir(), 'maven-key-'));
    writeFileSync(join(root, 'pom.xml'), '<project>1</project>');
    const first = mavenCacheKeys(root, [root], 'linux-x64');
    writeFileSync(join(root, 'pom.xml'), '<project>2</project>');
    const second = mavenCacheKeys(root, [root], 'linux-x64');
    expect(first.key).not.toBe(second.key);
    expect(first.key).toMatch(/^maven-linux-x64-[0-9a-f]{40}$/);
    expect(second.restoreKeys).toEqual(['maven-linux-x64-']);
  });
});
