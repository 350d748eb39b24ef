// maven-build from its bundle, as the runner runs it, on real Maven (offline: the tests pass -o).
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runAction } from '../../../test/harness/index.ts';

/** A clean copy of a project in a fresh workspace, as a checkout would give. */
function checkout(source: string): string {
  const workspace = mkdtempSync(join(tmpdir(), 'maven-build-ws-'));
  cpSync(join(repoRoot, source), join(workspace, 'project'), {
    recursive: true,
    filter: (src) => !src.includes('/target') && !src.endsWith('.mvnw-was-used'),
  });
  return workspace;
}

const base = { 'working-directory': 'project', arguments: '-o', 'source-date-epoch': '1700000000', cache: 'false' };

describe('maven-build on the example service', () => {
  it('builds, tests and reports the JAR; two clean builds give the same sha256', async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const workspace = checkout('examples/licensing-service');
      const result = await runAction('maven-build', { workspace, inputs: base, timeoutMs: 240_000 });
      runs.push(result);
      expect(result.exitCode, result.log).toBe(0);
      const artifact = result.outputs.artifact ?? '';
      expect(existsSync(artifact)).toBe(true);
      expect(result.outputs['artifact-sha256']).toBe(createHash('sha256').update(readFileSync(artifact)).digest('hex'));
    }
    const [first, second] = runs;
    expect(first?.outputs['artifact-sha256']).toBe(second?.outputs['artifact-sha256']);
    expect(first?.outputs).toMatchObject({
      'group-id': 'com.optimagrowth',
      'artifact-id': 'licensing-service',
      version: '0.0.1-SNAPSHOT',
      'tests-failed': '0',
      'cache-hit': 'false',
    });
    expect(Number(first?.outputs['tests-passed'])).toBeGreaterThan(5);
    expect(first?.outputs.artifact).toMatch(/licensing-service\.jar$/);
    expect(first?.summary).toContain('Maven build passed');
    expect(first?.annotations.filter((a) => a.level === 'error')).toEqual([]);
  });
});

describe('maven-build on failing projects', () => {
  it('fails on a failing test, names it in the summary, and annotates its source line', async () => {
    const workspace = checkout('test/fixtures/maven/failing-test-01');
    const result = await runAction('maven-build', { workspace, inputs: base, timeoutMs: 240_000 });
    expect(result.exitCode).toBe(1);
    expect(result.outputs).toMatchObject({ 'tests-total': '3', 'tests-passed': '2', 'tests-failed': '1' });
    expect(result.outputs.artifact).toBeUndefined();
    expect(result.summary).toContain('CalculatorTest.multiplies');
    expect(result.summary).toContain('2 times 3 ==&gt; expected: &lt;6&gt; but was: &lt;5&gt;');
    const annotation = result.annotations.find((a) => a.title === 'CalculatorTest.multiplies');
    expect(annotation).toMatchObject({
      level: 'error',
      file: 'project/src/test/java/fixture/CalculatorTest.java',
      line: 17,
      message: '2 times 3 ==> expected: <6> but was: <5>',
    });
    expect(result.annotations.at(-1)?.message).toContain('1 test(s) failed: CalculatorTest.multiplies');
  });

  it('annotates a compile error at its file and line', async () => {
    const workspace = checkout('test/fixtures/maven/compile-error-01');
    const result = await runAction('maven-build', { workspace, inputs: base, timeoutMs: 240_000 });
    expect(result.exitCode).toBe(1);
    const annotation = result.annotations.find((a) => a.title === 'Compilation error');
    expect(annotation).toMatchObject({
      level: 'error',
      file: 'project/src/main/java/fixture/Broken.java',
      line: 6,
      col: 12,
    });
    expect(annotation?.message).toMatch(/^cannot find symbol/);
  });
});

describe('maven-build on a multi-module project', () => {
  it('outputs the requested module artifact and counts the tests of every module', async () => {
    const workspace = checkout('test/fixtures/maven/multi-module-01');
    const result = await runAction('maven-build', {
      workspace,
      inputs: { ...base, module: 'service' },
      timeoutMs: 240_000,
    });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.outputs.artifact).toBe(join(workspace, 'project/service/target/multi-service-2.1.0.jar'));
    expect(result.outputs).toMatchObject({
      'artifact-id': 'multi-service',
      version: '2.1.0',
      'tests-total': '3',
      'tests-passed': '3',
    });
    expect(result.outputs['report-paths']?.split('\n').map((p) => p.split('/').at(-1))).toEqual([
      'TEST-fixture.lib.GreeterTest.xml',
      'TEST-fixture.service.ServiceTest.xml',
    ]);
  });
});

describe('maven-build inputs', () => {
  it.each([
    [{ 'working-directory': 'missing' }, "Input 'working-directory'", 'no such directory'],
    [{ 'working-directory': '.' }, "Input 'working-directory'", 'no pom.xml'],
    [{ cache: 'maybe' }, "Input 'cache'", 'YAML boolean'],
    [{ 'source-date-epoch': 'yesterday' }, "Input 'source-date-epoch'", 'seconds since the epoch'],
    [{ arguments: '-Dx="open' }, "Input 'arguments'", 'unterminated'],
    [{ module: 'service', 'artifact-pattern': '*.jar' }, "Input 'artifact-pattern'", "together with 'module'"],
  ])('refuses %j before Maven starts', async (override, input, expected) => {
    const workspace = checkout('test/fixtures/maven/wrapper-01');
    const result = await runAction('maven-build', { workspace, inputs: { ...base, ...override } });
    expect(result.exitCode).toBe(1);
    const first = result.annotations[0];
    expect(first?.message.startsWith(input)).toBe(true);
    expect(first?.message).toContain(expected);
    expect(existsSync(join(workspace, 'project', '.mvnw-was-used'))).toBe(false);
    expect(existsSync(join(workspace, 'project', 'target'))).toBe(false);
  });

  it('passes shell metacharacters to Maven literally, through ./mvnw', async () => {
    const workspace = checkout('test/fixtures/maven/wrapper-01');
    const result = await runAction('maven-build', {
      workspace,
      inputs: { ...base, arguments: `-o -Dprobe=$(id) -Dtick=\`id\` ; rm -rf /` },
      timeoutMs: 240_000,
    });
    expect(existsSync(join(workspace, 'project', '.mvnw-was-used'))).toBe(true);
    expect(result.stderr + result.stdout).toContain('bakeline-fixture-mvnw arg: [-o]');
    for (const arg of ['-Dprobe=$(id)', '-Dtick=`id`', ';', 'rm', '-rf', '/'])
      expect(result.stderr + result.stdout).toContain(`[${arg}]`);
    expect(result.stdout).toContain('Unknown lifecycle phase ";"');
    expect(result.exitCode).toBe(1);
  });
});

describe('maven-build cache (filesystem backend)', () => {
  it('saves after a failing build, restores by exact key, and by prefix after a pom change', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'maven-cache-'));
    const cachePath = mkdtempSync(join(tmpdir(), 'maven-repo-'));
    mkdirSync(join(cachePath, 'org', 'example'), { recursive: true });
    writeFileSync(join(cachePath, 'org', 'example', 'marker.txt'), 'cached');
    const inputs = { ...base, cache: 'true', 'cache-dir': cacheDir, 'cache-path': cachePath };
    const workspace = checkout('test/fixtures/maven/failing-test-01');

    const first = await runAction('maven-build', { workspace, inputs, timeoutMs: 240_000 });
    expect(first.exitCode).toBe(1);
    expect(first.outputs['cache-hit']).toBe('false');
    const saved = readdirSync(cacheDir);
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatch(/^maven-linux-x64-[0-9a-f]{40}\.tar$/);

    const second = await runAction('maven-build', { workspace, inputs, timeoutMs: 240_000 });
    expect(second.outputs['cache-hit']).toBe('true');

    const pom = join(workspace, 'project', 'pom.xml');
    writeFileSync(pom, readFileSync(pom, 'utf8').replace('<version>1.0.0</version>', '<version>1.0.1</version>'));
    const restoredInto = mkdtempSync(join(tmpdir(), 'maven-repo-restore-'));
    const third = await runAction('maven-build', {
      workspace,
      inputs: { ...inputs, 'cache-path': restoredInto },
      timeoutMs: 240_000,
    });
    expect(third.outputs['cache-hit']).toBe('false');
    expect(third.stdout).toContain('(by prefix; wanted maven-linux-x64-');
    expect(readFileSync(join(restoredInto, 'org', 'example', 'marker.txt'), 'utf8')).toBe('cached');
    expect(readdirSync(cacheDir)).toHaveLength(2);
  });
});
