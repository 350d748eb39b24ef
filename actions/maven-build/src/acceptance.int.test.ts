// maven-build from its bundle, as the runner runs it, on real Maven. The tests pass `-o` through
// `arguments` (the action never adds it). Maven runs are slow on two cores: builds are shared
// between the assertions about them (beforeAll), 8 Maven runs in all.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPom } from '@bakeline/maven';
import { type HarnessResult, repoRoot, runBundledAction } from '@bakeline/test/harness';
import { beforeAll, describe, expect, it } from 'vitest';

interface Checkout {
  workspace: string;
  /** The commit, or '' without `commitDate`. */
  sha: string;
}

/**
 * A clean copy of a project under `<workspace>/project`, as a checkout gives; with `commitDate`
 * the workspace is a git repository with one commit made at that time.
 */
function checkout(source: string, commitDate?: string): Checkout {
  const workspace = mkdtempSync(join(tmpdir(), 'maven-build-ws-'));
  cpSync(join(repoRoot, source), join(workspace, 'project'), {
    recursive: true,
    filter: (src) => !/\/target(\/|$)/.test(src) && !src.endsWith('.mvnw-was-used'),
  });
  if (!commitDate) return { workspace, sha: '' };
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'bakeline',
    GIT_AUTHOR_EMAIL: 'ci@bakeline.invalid',
    GIT_COMMITTER_NAME: 'bakeline',
    GIT_COMMITTER_EMAIL: 'ci@bakeline.invalid',
    GIT_AUTHOR_DATE: commitDate,
    GIT_COMMITTER_DATE: commitDate,
  };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: workspace, env, encoding: 'utf8' }).trim();
  git('init', '--quiet');
  git('add', '.');
  git('commit', '--quiet', '-m', 'service');
  return { workspace, sha: git('rev-parse', 'HEAD') };
}

const offline = { 'working-directory': 'project', arguments: '-o', cache: 'false' };
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const TIMEOUT = 300_000;

describe('maven-build on the example service', () => {
  const runs: HarnessResult[] = [];
  let pomVersion: string | undefined;

  beforeAll(async () => {
    // Two clean checkouts of the same commit, built one after the other.
    for (let i = 0; i < 2; i++) {
      const { workspace, sha } = checkout('examples/licensing-service', '2024-03-01T12:00:00Z');
      runs.push(
        await runBundledAction('maven-build', { workspace, inputs: offline, github: { sha }, timeoutMs: TIMEOUT }),
      );
      pomVersion = readPom(join(workspace, 'project')).version;
    }
  }, 2 * TIMEOUT);

  it('passes and outputs the JAR with its sha256, coordinates and the pom’s version', () => {
    const [first] = runs;
    expect(first?.exitCode, first?.log).toBe(0);
    const artifact = first?.outputs.artifact ?? '';
    expect(artifact).toMatch(/\/project\/target\/licensing-service\.jar$/);
    expect(existsSync(artifact)).toBe(true);
    expect(first?.outputs['artifact-sha256']).toBe(sha256(artifact));
    expect(pomVersion).toBe('0.0.1-SNAPSHOT');
    expect(first?.outputs).toMatchObject({
      'group-id': 'com.optimagrowth',
      'artifact-id': 'licensing-service',
      version: pomVersion,
      'tests-failed': '0',
      'tests-skipped': '0',
      'cache-hit': 'false',
    });
    expect(Number(first?.outputs['tests-passed'])).toBeGreaterThan(0);
    expect(first?.outputs['tests-passed']).toBe(first?.outputs['tests-total']);
    expect(first?.outputs['report-paths']?.split('\n')).toContain(
      'project/target/surefire-reports/TEST-com.optimagrowth.license.LicensingApplicationTest.xml',
    );
  });

  it('gives the same artifact-sha256 for two clean builds of the same commit', () => {
    const [first, second] = runs;
    expect(second?.exitCode, second?.log).toBe(0);
    expect(second?.outputs.artifact).not.toBe(first?.outputs.artifact);
    expect(second?.outputs['artifact-sha256']).toBe(first?.outputs['artifact-sha256']);
  });

  it('writes a summary with the counts and the artifact, and no error annotation', () => {
    const [first] = runs;
    expect(first?.summary).toContain('Maven build passed');
    expect(first?.summary).toContain(`<td>${first?.outputs['tests-total']}</td>`);
    expect(first?.summary).toContain(first?.outputs['artifact-sha256']);
    expect(first?.summary).toContain('com.optimagrowth:licensing-service:0.0.1-SNAPSHOT');
    expect(first?.annotations.filter((a) => a.level === 'error')).toEqual([]);
    // The pom sets project.build.outputTimestamp: the action leaves it alone.
    expect(first?.stdout).toContain('the project sets project.build.outputTimestamp itself');
    expect(first?.stdout).not.toContain('-Dproject.build.outputTimestamp=');
  });
});

describe('maven-build on the failing-test fixture, with the filesystem cache', () => {
  let first: HarnessResult;
  let workspace: string;
  const cacheDir = mkdtempSync(join(tmpdir(), 'maven-cache-'));
  const cachePath = mkdtempSync(join(tmpdir(), 'maven-repo-'));
  const inputs = {
    ...offline,
    cache: 'true',
    'cache-dir': cacheDir,
    'cache-path': cachePath,
    'source-date-epoch': '1700000000',
  };

  beforeAll(async () => {
    mkdirSync(join(cachePath, 'org', 'example'), { recursive: true });
    writeFileSync(join(cachePath, 'org', 'example', 'marker.txt'), 'cached');
    ({ workspace } = checkout('test/fixtures/maven/failing-test-01'));
    first = await runBundledAction('maven-build', { workspace, inputs, timeoutMs: TIMEOUT });
  }, TIMEOUT);

  it('fails with the list of failed tests, and counts', () => {
    expect(first.exitCode).toBe(1);
    expect(first.outputs).toMatchObject({ 'tests-total': '3', 'tests-passed': '2', 'tests-failed': '1' });
    expect(first.outputs.artifact).toBeUndefined();
    expect(first.annotations.at(-1)?.message).toBe('1 test(s) failed: CalculatorTest.multiplies');
  });

  it('names the failed test and its message in the summary', () => {
    expect(first.summary).toContain('Maven build failed');
    expect(first.summary).toContain('fixture.CalculatorTest.multiplies');
    expect(first.summary).toContain('2 times 3 ==&gt; expected: &lt;6&gt; but was: &lt;5&gt;');
    expect(first.summary).toContain('project/src/test/java/fixture/CalculatorTest.java:17');
  });

  it('annotates the failing line of the test source, relative to the workspace', () => {
    expect(first.annotations.filter((a) => a.title === 'CalculatorTest.multiplies')).toEqual([
      {
        level: 'error',
        title: 'CalculatorTest.multiplies',
        file: 'project/src/test/java/fixture/CalculatorTest.java',
        line: 17,
        message: '2 times 3 ==> expected: <6> but was: <5>',
      },
    ]);
  });

  it('saves the cache after the failing build, restores it by exact key, and by prefix after a pom change', async () => {
    expect(first.outputs['cache-hit']).toBe('false');
    const saved = readdirSync(cacheDir);
    expect(saved).toEqual([expect.stringMatching(/^maven-linux-x64-[0-9a-f]{40}\.tar$/)]);

    const exact = join(tmpdir(), `maven-repo-exact-${Date.now()}`);
    const second = await runBundledAction('maven-build', {
      workspace,
      inputs: { ...inputs, 'cache-path': exact },
      timeoutMs: TIMEOUT,
    });
    expect(second.outputs['cache-hit']).toBe('true');
    expect(readFileSync(join(exact, 'org', 'example', 'marker.txt'), 'utf8')).toBe('cached');
    expect(readdirSync(cacheDir)).toEqual(saved); // an exact hit saves nothing new

    const pom = join(workspace, 'project', 'pom.xml');
    writeFileSync(pom, readFileSync(pom, 'utf8').replace('<version>1.0.0</version>', '<version>1.0.1</version>'));
    const byPrefix = join(tmpdir(), `maven-repo-prefix-${Date.now()}`);
    const third = await runBundledAction('maven-build', {
      workspace,
      inputs: { ...inputs, 'cache-path': byPrefix },
      timeoutMs: TIMEOUT,
    });
    expect(third.outputs['cache-hit']).toBe('false');
    expect(third.stdout).toMatch(/restored maven-linux-x64-[0-9a-f]{40} \(by prefix; wanted maven-linux-x64-/);
    expect(readFileSync(join(byPrefix, 'org', 'example', 'marker.txt'), 'utf8')).toBe('cached');
    expect(readdirSync(cacheDir)).toHaveLength(2); // the new key is saved, again after failing tests
    expect(third.exitCode).toBe(1);
  });
});

describe('maven-build on the compile-error fixture', () => {
  it('fails with an annotation at the compile error’s file and line', async () => {
    const { workspace } = checkout('test/fixtures/maven/compile-error-01');
    const result = await runBundledAction('maven-build', {
      workspace,
      inputs: { ...offline, 'source-date-epoch': '1700000000' },
      timeoutMs: TIMEOUT,
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toContainEqual({
      level: 'error',
      title: 'Compilation error',
      message: 'cannot find symbol (symbol: variable valeu; location: class fixture.Broken)',
      file: 'project/src/main/java/fixture/Broken.java',
      line: 6,
      col: 12,
    });
    expect(result.annotations.at(-1)?.message).toBe(
      'compilation failed with 1 error(s); first: project/src/main/java/fixture/Broken.java:6: cannot find symbol (symbol: variable valeu; location: class fixture.Broken)',
    );
    expect(result.summary).toContain('Compilation errors');
  });
});

describe('maven-build on the multi-module fixture', () => {
  it('outputs the requested module’s artifact, counts the tests of every module, stamps the commit time', async () => {
    const { workspace, sha } = checkout('test/fixtures/maven/multi-module-01', '2024-02-29T10:20:30Z');
    const result = await runBundledAction('maven-build', {
      workspace,
      inputs: { ...offline, module: 'service' },
      github: { sha },
      timeoutMs: TIMEOUT,
    });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.outputs.artifact).toBe(join(workspace, 'project/service/target/multi-service-2.1.0.jar'));
    expect(result.outputs).toMatchObject({
      'group-id': 'io.bakeline.fixtures',
      'artifact-id': 'multi-service',
      version: '2.1.0',
      'tests-total': '3',
      'tests-passed': '3',
    });
    expect(result.outputs['report-paths']?.split('\n')).toEqual([
      'project/lib/target/surefire-reports/TEST-fixture.lib.GreeterTest.xml',
      'project/service/target/surefire-reports/TEST-fixture.service.ServiceTest.xml',
    ]);
    // No timestamp in these poms: the action sets the commit time of GITHUB_SHA.
    expect(result.stdout).toContain('-Dproject.build.outputTimestamp=2024-02-29T10:20:30Z');
  });
});

describe('maven-build inputs', () => {
  it.each([
    [{ 'working-directory': 'missing' }, 'Input \'working-directory\': got "missing"; no such directory'],
    [{ 'working-directory': '.' }, 'Input \'working-directory\': got "."; no pom.xml in'],
    [{ cache: 'maybe' }, 'Input \'cache\': got "maybe"; expected a YAML boolean'],
    [{ 'use-wrapper': 'sometimes' }, 'Input \'use-wrapper\': got "sometimes"; expected a YAML boolean'],
    [{ 'source-date-epoch': 'yesterday' }, 'Input \'source-date-epoch\': got "yesterday"; expected whole seconds'],
    [{ 'source-date-epoch': '' }, "Input 'source-date-epoch': is not given and the commit time of"],
    [{ arguments: '-Dx="open' }, "Input 'arguments': unterminated \" quote"],
    [{ goals: 'verify $(id)' }, 'Input \'goals\': got "$(id)"'],
    [
      { module: 'service', 'artifact-pattern': '*.jar' },
      'Input \'artifact-pattern\': got "*.jar" together with module',
    ],
  ])('refuses %j before Maven starts, in one line naming the input', async (override, message) => {
    const { workspace } = checkout('test/fixtures/maven/wrapper-01');
    const result = await runBundledAction('maven-build', {
      workspace,
      inputs: { ...offline, 'source-date-epoch': '1700000000', ...override },
    });
    expect(result.exitCode).toBe(1);
    const errors = result.annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message.startsWith(message), errors[0]?.message).toBe(true);
    expect(errors[0]?.message).not.toContain('\n');
    expect(existsSync(join(workspace, 'project', '.mvnw-was-used'))).toBe(false);
    expect(existsSync(join(workspace, 'project', 'target'))).toBe(false);
  });

  it('hands shell metacharacters to Maven literally, as argv, and runs none of them', async () => {
    const { workspace } = checkout('test/fixtures/maven/wrapper-01');
    const pwned = join(workspace, 'pwned');
    const result = await runBundledAction('maven-build', {
      workspace,
      inputs: {
        ...offline,
        'source-date-epoch': '1700000000',
        arguments: `-o -Dprobe=$(touch ${pwned}) -Dtick=\`touch ${pwned}\` -Dpipe="a|b" ; rm -rf /`,
      },
      timeoutMs: TIMEOUT,
    });
    const argv = [...result.stdout.matchAll(/bakeline-fixture-mvnw arg: \[(.*)\]/g)].map((m) => m[1]);
    expect(argv).toEqual([
      '-B',
      '--no-transfer-progress',
      '-Dproject.build.outputTimestamp=2023-11-14T22:13:20Z',
      '-o',
      // split at the unquoted space, as a command line is, but never substituted
      '-Dprobe=$(touch',
      `${pwned})`,
      '-Dtick=`touch',
      `${pwned}\``,
      '-Dpipe=a|b',
      ';',
      'rm',
      '-rf',
      '/',
      'verify',
    ]);
    expect(existsSync(pwned)).toBe(false);
    // Maven itself refuses the stray words, as it would on a terminal: the first one it takes for a phase.
    expect(result.stdout).toContain(`Unknown lifecycle phase "${pwned})"`);
    expect(result.exitCode).toBe(1);
  });
});
