// maven-build installing Maven through the tool cache, from its bundle, on real Maven: the local
// cloud's maven-dist module packs the machine's Maven (its home read from `mvn -v`) as an Apache
// distribution and serves it on 127.0.0.1; the step runs with a PATH that has no `mvn`.
import {
  appendFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  symlinkSync,
} from 'node:fs';
import { arch, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import {
  type MavenDistServer,
  machineMaven,
  type PackedDistribution,
  packMavenDistribution,
  startMavenDistServer,
} from '@bakeline/local-cloud';
import { type HarnessResult, repoRoot, runBundledAction } from '@bakeline/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TIMEOUT = 300_000;
const MAVEN_SCRIPTS = new Set(['mvn', 'mvnDebug', 'mvnyjp', 'mvnw']);

/** A PATH with every command of this one except Maven's (symlinks in one directory). */
function pathWithoutMaven(): string {
  const bin = mkdtempSync(join(tmpdir(), 'no-maven-bin-'));
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || !existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (MAVEN_SCRIPTS.has(name) || existsSync(join(bin, name))) continue;
      symlinkSync(join(dir, name), join(bin, name));
    }
  }
  return bin;
}

function checkout(source: string): string {
  const workspace = mkdtempSync(join(tmpdir(), 'maven-install-ws-'));
  cpSync(join(repoRoot, source), join(workspace, 'project'), {
    recursive: true,
    filter: (src) => !/\/target(\/|$)/.test(src),
  });
  return workspace;
}

/** Every file and directory under `dir`, relative. */
function tree(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).sort() : [];
}

const errorsOf = (result: HarnessResult) => result.annotations.filter((a) => a.level === 'error');

describe('maven-build installs Maven when the runner has none', () => {
  let dist: PackedDistribution;
  let server: MavenDistServer;
  let path: string;
  const base = {
    'working-directory': 'project',
    arguments: '-o',
    cache: 'false',
    'source-date-epoch': '1700000000',
  };

  beforeAll(async () => {
    dist = packMavenDistribution(machineMaven());
    server = await startMavenDistServer({ root: dist.root });
    path = pathWithoutMaven();
  }, TIMEOUT);

  afterAll(async () => {
    await server?.stop();
  });

  const step = (
    inputs: Record<string, string>,
    toolCache: string,
    runnerTemp?: string,
    source = 'examples/licensing-service',
  ) =>
    runBundledAction('maven-build', {
      workspace: checkout(source),
      inputs: { ...base, 'maven-mirror': `${server.url}/`, ...inputs },
      env: { PATH: path },
      toolCache,
      ...(runnerTemp ? { runnerTemp } : {}),
      timeoutMs: TIMEOUT,
    });

  it(
    'downloads the version asked for, checks its .sha512, caches it, and builds the example offline with it',
    async () => {
      const toolCache = mkdtempSync(join(tmpdir(), 'tool-cache-'));
      const result = await step({ 'maven-version': dist.version }, toolCache);
      expect(result.exitCode, result.log).toBe(0);
      expect(result.stdout).toContain(`installing Maven ${dist.version}: no mvn on PATH and no ./mvnw`);
      expect(result.stdout).toContain(`SHA-512 ${dist.sha512} matches ${server.url}/${dist.archivePath}.sha512`);
      expect(server.requests).toEqual([`GET /${dist.archivePath}.sha512`, `GET /${dist.archivePath}`]);
      const home = join(toolCache, 'maven', dist.version, arch());
      expect(existsSync(`${home}.complete`)).toBe(true);
      // A self-contained Maven, as Apache ships it: no link back into this machine's Maven.
      const lib = join(home, 'lib');
      expect(readdirSync(lib).filter((f) => lstatSync(join(lib, f)).isSymbolicLink())).toEqual([]);
      expect(result.stdout).toContain(`::group::${home}/bin/mvn -B --no-transfer-progress`);
      expect(result.outputs.artifact).toMatch(/\/project\/target\/licensing-service\.jar$/);
      expect(result.summary).toContain(`Maven ${dist.version} installed from`);

      // The next run finds it in the tool cache and downloads nothing.
      server.requests.length = 0;
      const again = await step(
        { 'maven-version': dist.version },
        toolCache,
        undefined,
        'test/fixtures/maven/failing-test-01',
      );
      expect(again.stdout).toContain(`Maven ${dist.version} from the tool cache: ${home}`);
      expect(again.outputs['tests-total']).toBe('3');
      expect(server.requests).toEqual([]);
    },
    2 * TIMEOUT,
  );

  it('refuses a digest that does not match, naming the URL and both digests, and caches nothing', async () => {
    const toolCache = mkdtempSync(join(tmpdir(), 'tool-cache-'));
    const runnerTemp = mkdtempSync(join(tmpdir(), 'runner-temp-'));
    const wrong = 'f'.repeat(128);
    const result = await step({ 'maven-version': dist.version, 'maven-sha512': wrong }, toolCache, runnerTemp);
    expect(result.exitCode).toBe(1);
    const [error] = errorsOf(result);
    expect(error?.message).toBe(
      `Maven download refused: the SHA-512 of ${server.url}/${dist.archivePath} does not match; expected ${wrong}, got ${dist.sha512}. Nothing was installed; check 'maven-mirror' and 'maven-sha512'`,
    );
    expect(tree(toolCache)).toEqual([]);
    expect(readdirSync(runnerTemp).filter((f) => f.startsWith('bakeline-maven-'))).toEqual([]);
  });

  it('refuses an archive altered on the mirror, against the mirror’s own .sha512', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tampered-dist-'));
    cpSync(dist.root, root, { recursive: true });
    appendFileSync(join(root, ...dist.archivePath.split('/')), 'appended by a compromised mirror');
    const tampered = await startMavenDistServer({ root });
    try {
      const toolCache = mkdtempSync(join(tmpdir(), 'tool-cache-'));
      const result = await step({ 'maven-version': dist.version, 'maven-mirror': tampered.url }, toolCache);
      expect(result.exitCode).toBe(1);
      expect(errorsOf(result)[0]?.message).toMatch(
        new RegExp(
          `^Maven download refused: the SHA-512 of ${tampered.url}/${dist.archivePath} does not match; expected ${dist.sha512}, got [0-9a-f]{128}\\.`,
        ),
      );
      expect(tree(toolCache)).toEqual([]);
    } finally {
      await tampered.stop();
    }
  });

  it.each([
    [
      { 'maven-version': 'latest' },
      'Input \'maven-version\': got "latest"; expected an Apache Maven release such as 3.9.9',
    ],
    [{ 'maven-version': '3.8.7/../../../etc' }, 'Input \'maven-version\': got "3.8.7/../../../etc"'],
    [
      { 'maven-version': '3.8.7', 'maven-sha512': 'nothex' },
      'Input \'maven-sha512\': got "nothex"; expected a SHA-512',
    ],
    [{ 'maven-mirror': 'file:///etc' }, 'Input \'maven-mirror\': got "file:///etc"; expected an http(s) URL'],
  ])('refuses %j before any download, in one line naming the input', async (inputs, message) => {
    server.requests.length = 0;
    const toolCache = mkdtempSync(join(tmpdir(), 'tool-cache-'));
    const workspace = checkout('test/fixtures/maven/failing-test-01');
    mkdirSync(join(workspace, 'project'), { recursive: true });
    const result = await runBundledAction('maven-build', {
      workspace,
      inputs: { ...base, 'maven-mirror': server.url, ...inputs },
      env: { PATH: path },
      toolCache,
    });
    expect(result.exitCode).toBe(1);
    const errors = errorsOf(result);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message.startsWith(message), errors[0]?.message).toBe(true);
    expect(server.requests).toEqual([]);
    expect(tree(toolCache)).toEqual([]);
    expect(existsSync(join(workspace, 'project', 'target'))).toBe(false);
  });
});
