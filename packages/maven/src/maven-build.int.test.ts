// runMavenBuild on real Maven (offline: the tests pass -o), on copies of test/fixtures/maven.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@bakeline/toolkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, scratch } from '../test/scratch.ts';
import { FilesystemCache } from './filesystem-cache.ts';
import { type MavenBuildResult, runMavenBuild } from './maven-build.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const EPOCH = 1_700_000_000; // 2023-11-14T22:13:20Z

function checkout(fixture: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'maven-int-')), 'project');
  cpSync(join(repoRoot, 'test/fixtures/maven', fixture), dir, {
    recursive: true,
    filter: (src) => !src.includes('/target'),
  });
  return dir;
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    debug: () => {},
    group: async (name, fn) => {
      lines.push(`group: ${name}`);
      return fn();
    },
  };
}

/** The DOS date-times of every entry, read from the ZIP's central directory. */
function zipEntryTimes(file: string): Set<string> {
  const zip = readFileSync(file);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(eocd + 10);
  const times = new Set<string>();
  for (let i = 0, at = zip.readUInt32LE(eocd + 16); i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const time = zip.readUInt16LE(at + 12);
    const date = zip.readUInt16LE(at + 14);
    times.add(`${(date >> 9) + 1980}-${(date >> 5) & 15}-${date & 31} ${time >> 11}:${(time >> 5) & 63}`);
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return times;
}

describe('runMavenBuild on the multi-module fixture', () => {
  let result: MavenBuildResult;
  let root: string;
  const logger = recordingLogger();
  const cacheDir = scratch();
  const repository = scratch({ 'org/example/marker/1/marker-1.pom': '<project/>' });

  beforeAll(async () => {
    root = checkout('multi-module-01');
    result = await runMavenBuild({
      workingDirectory: root,
      goals: ['verify'],
      arguments: ['-o'],
      useWrapper: true,
      sourceDateEpoch: EPOCH,
      module: 'service',
      cache: { backend: new FilesystemCache(cacheDir), path: repository },
      logger,
    });
  });

  it('builds and picks the requested module artifact with its coordinates', () => {
    expect(result.exitCode, logger.lines.join('\n')).toBe(0);
    expect(result.artifact).toMatchObject({
      path: join(root, 'service/target/multi-service-2.1.0.jar'),
      groupId: 'io.bakeline.fixtures',
      artifactId: 'multi-service',
      version: '2.1.0',
    });
    expect(result.artifact?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('counts the tests of every module', () => {
    expect([result.tests.total, result.tests.passed, result.tests.failed, result.tests.skipped]).toEqual([3, 3, 0, 0]);
    expect(result.tests.files.map((f) => f.slice(root.length + 1))).toEqual([
      'lib/target/surefire-reports/TEST-fixture.lib.GreeterTest.xml',
      'service/target/surefire-reports/TEST-fixture.service.ServiceTest.xml',
    ]);
  });

  it('sets project.build.outputTimestamp from the epoch (the fixture does not), so JAR entries carry that time', () => {
    expect(result.outputTimestamp).toBe('2023-11-14T22:13:20Z');
    expect(result.command.args).toEqual([
      '-B',
      '--no-transfer-progress',
      '-Dproject.build.outputTimestamp=2023-11-14T22:13:20Z',
      '-o',
      'verify',
    ]);
    const times = zipEntryTimes(result.artifact?.path ?? '');
    expect(times.size).toBe(1);
    expect([...times][0]).toMatch(/^2023-11-1[45] /); // DOS times are local: the date may shift by the zone
  });

  it('streams Maven output through the logger and saves the cache under the pom hash', () => {
    expect(logger.lines).toContain('[INFO] BUILD SUCCESS');
    expect(result.cache).toMatchObject({ backend: 'filesystem', restoredKey: undefined, saved: true });
    expect(readdirSync(cacheDir)).toEqual([`${result.cache?.key}.tar`]);
  });
});

describe('runMavenBuild on the other fixtures', () => {
  it('reports failed tests at their source lines, leaves out stale reports, and still saves the cache', async () => {
    const root = checkout('failing-test-01');
    const reports = join(root, 'target', 'surefire-reports');
    mkdirSync(reports, { recursive: true });
    cpSync(join(fixturesDir, 'surefire-edge-cases-01.xml'), join(reports, 'TEST-demo.EdgeTest.xml'));
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(join(reports, 'TEST-demo.EdgeTest.xml'), old, old);
    const cacheDir = scratch();
    const result = await runMavenBuild({
      workingDirectory: root,
      goals: ['verify'],
      arguments: ['-o'],
      useWrapper: true,
      sourceDateEpoch: EPOCH,
      cache: { backend: new FilesystemCache(cacheDir), path: scratch({ 'marker.txt': 'm2' }) },
      logger: recordingLogger(),
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.artifact).toBeUndefined();
    expect([result.tests.total, result.tests.passed, result.tests.failed]).toEqual([3, 2, 1]);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({
      className: 'fixture.CalculatorTest',
      method: 'multiplies',
      message: '2 times 3 ==> expected: <6> but was: <5>',
      type: 'org.opentest4j.AssertionFailedError',
      location: { file: join(root, 'src/test/java/fixture/CalculatorTest.java'), line: 17 },
    });
    expect(result.cache?.saved).toBe(true);
    expect(existsSync(join(cacheDir, `${result.cache?.key}.tar`))).toBe(true);
  });

  it('parses the compiler error from real Maven output', async () => {
    const root = checkout('compile-error-01');
    const result = await runMavenBuild({
      workingDirectory: root,
      goals: ['verify'],
      arguments: ['-o'],
      useWrapper: true,
      sourceDateEpoch: EPOCH,
      logger: recordingLogger(),
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.compilerErrors).toEqual([
      {
        file: join(root, 'src/main/java/fixture/Broken.java'),
        line: 6,
        column: 12,
        message: 'cannot find symbol (symbol: variable valeu; location: class fixture.Broken)',
      },
    ]);
    expect(result.tests.total).toBe(0);
    expect(result.cache).toBeUndefined();
  });

  it('gives no artifact (and a warning) when the goals stop before package', async () => {
    const root = checkout('wrapper-01');
    const logger = recordingLogger();
    const result = await runMavenBuild({
      workingDirectory: root,
      goals: ['compile'],
      arguments: ['-o'],
      useWrapper: false,
      sourceDateEpoch: EPOCH,
      logger,
    });
    expect(result.exitCode).toBe(0);
    expect(result.command.command).toBe('mvn');
    expect(logger.lines).toContain('not using ./mvnw: use-wrapper is false');
    expect(result.artifact).toBeUndefined();
    expect(logger.lines).toContain('warning: the build produced no JAR (goals: compile); no artifact outputs');
    expect(existsSync(join(root, '.mvnw-was-used'))).toBe(false);
  });
});
