import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputReader } from '@bakeline/action-io';
import type { Exec } from '@bakeline/toolkit';
import { describe, expect, it } from 'vitest';
import { readInputs } from './inputs.ts';

function workspace(): string {
  const ws = mkdtempSync(join(tmpdir(), 'maven-build-inputs-'));
  mkdirSync(join(ws, 'svc'));
  writeFileSync(join(ws, 'svc', 'pom.xml'), '<project/>');
  writeFileSync(join(ws, 'settings.xml'), '<settings/>');
  mkdirSync(join(ws, 'empty'));
  return ws;
}

/** Records git calls; answers with the given commit time, or fails like git outside a repository. */
function git(answer: string | undefined): Exec & { calls: string[][] } {
  const calls: string[][] = [];
  const run = async (command: string, args: readonly string[]) => {
    calls.push([command, ...args]);
    return answer === undefined
      ? { exitCode: 128, signal: null, stdout: '', stderr: 'fatal: not a git repository\n', durationMs: 1 }
      : { exitCode: 0, signal: null, stdout: `${answer}\n`, stderr: '', durationMs: 1 };
  };
  return Object.assign(run, { calls });
}

function read(
  given: Record<string, string>,
  env: NodeJS.ProcessEnv = {},
  run: Exec = git('1700000000'),
  mask: (value: string) => void = () => {},
) {
  const ws = workspace();
  const reader = new InputReader((name) => given[name]);
  return { ws, result: readInputs(reader, { GITHUB_WORKSPACE: ws, ...env }, run, mask) };
}

const SHA512 = 'c0ffee'.repeat(22).slice(0, 128);

describe('readInputs', () => {
  it('maps every input to a typed value', async () => {
    const { ws, result } = read(
      {
        'working-directory': 'svc',
        goals: 'clean\nverify',
        arguments: '-o -Dx="a b"',
        'settings-file': 'settings.xml',
        module: 'service',
        cache: 'true',
        'cache-path': '~/m2',
        'cache-dir': 'cache',
        'use-wrapper': 'false',
        'source-date-epoch': '1700000000',
        'maven-version': '3.9.9',
        'maven-mirror': 'http://127.0.0.1:8080/dist/maven/',
        'maven-sha512': SHA512.toUpperCase(),
        'server-id': 'corp-releases',
        'server-username': 'deployer',
        'server-password': 's3cret',
      },
      { RUNNER_TEMP: '/runner/tmp' },
    );
    expect(await result).toEqual({
      workspace: ws,
      workingDirectory: join(ws, 'svc'),
      goals: ['clean', 'verify'],
      arguments: ['-o', '-Dx=a b'],
      settingsFile: join(ws, 'settings.xml'),
      module: 'service',
      artifactPattern: undefined,
      cache: { dir: join(ws, 'cache'), path: join(homedir(), 'm2') },
      useWrapper: false,
      sourceDateEpoch: 1_700_000_000,
      maven: { version: '3.9.9', mirror: 'http://127.0.0.1:8080/dist/maven', sha512: SHA512 },
      server: { id: 'corp-releases', username: 'deployer', password: 's3cret' },
      tempDir: '/runner/tmp',
    });
  });

  it('defaults: verify, wrapper on, cache under the tool cache, Maven’s own repository, the commit time', async () => {
    const run = git('1690000000');
    const { ws, result } = read(
      { 'working-directory': 'svc' },
      { RUNNER_TOOL_CACHE: '/opt/tools', GITHUB_SHA: 'abc123' },
      run,
    );
    expect(await result).toMatchObject({
      goals: ['verify'],
      arguments: [],
      useWrapper: true,
      cache: { dir: '/opt/tools/bakeline-maven-cache', path: undefined },
      sourceDateEpoch: 1_690_000_000,
      maven: { version: undefined, mirror: 'https://archive.apache.org/dist/maven', sha512: undefined },
      server: undefined,
    });
    expect(run.calls).toEqual([['git', 'log', '-1', '--format=%ct', 'abc123', '--']]);
    expect(ws).toBeTruthy();
  });

  it.each([
    [{ RUNNER_TEMP: '/runner/tmp' }, '/runner/tmp/bakeline-maven-cache'],
    [{ RUNNER_TOOL_CACHE: '/opt/tools', RUNNER_TEMP: '/runner/tmp' }, '/opt/tools/bakeline-maven-cache'],
  ])('puts the cache directory under %j', async (env, dir) => {
    expect((await read({ 'working-directory': 'svc' }, env).result).cache?.dir).toBe(dir);
  });

  it('takes SOURCE_DATE_EPOCH before the commit time, and the input before both', async () => {
    const run = git('1');
    expect(
      (await read({ 'working-directory': 'svc' }, { SOURCE_DATE_EPOCH: '1600000000' }, run).result).sourceDateEpoch,
    ).toBe(1_600_000_000);
    expect(
      (await read({ 'working-directory': 'svc', 'source-date-epoch': '5' }, { SOURCE_DATE_EPOCH: '6' }, run).result)
        .sourceDateEpoch,
    ).toBe(5);
    expect(run.calls).toEqual([]);
  });

  it.each([
    [{ 'working-directory': 'missing' }, {}, 'Input \'working-directory\': got "missing"; no such directory'],
    [{ 'working-directory': 'empty' }, {}, 'Input \'working-directory\': got "empty"; no pom.xml in'],
    [
      { 'working-directory': '../..' },
      {},
      'Input \'working-directory\': got "../.."; expected a path inside the workspace',
    ],
    [{ goals: 'verify;rm' }, {}, 'Input \'goals\': got "verify;rm"; expected Maven phases or plugin goals'],
    [{ arguments: '-Dx="open' }, {}, "Input 'arguments': unterminated \" quote"],
    [{ 'settings-file': 'nope.xml' }, {}, 'Input \'settings-file\': got "nope.xml"; no such file'],
    [
      { module: 'a', 'artifact-pattern': '*.jar' },
      {},
      'Input \'artifact-pattern\': got "*.jar" together with module "a"',
    ],
    [{ cache: 'maybe' }, {}, 'Input \'cache\': got "maybe"; expected a YAML boolean'],
    [{ 'use-wrapper': 'yes' }, {}, 'Input \'use-wrapper\': got "yes"; expected a YAML boolean'],
    [{ 'source-date-epoch': 'yesterday' }, {}, 'Input \'source-date-epoch\': got "yesterday"; expected whole seconds'],
    [{ 'source-date-epoch': '-5' }, {}, 'Input \'source-date-epoch\': got "-5"'],
    [{ 'source-date-epoch': '1.5' }, {}, 'Input \'source-date-epoch\': got "1.5"'],
    [{}, { SOURCE_DATE_EPOCH: 'soon' }, 'Input \'source-date-epoch\': is not given and SOURCE_DATE_EPOCH is "soon"'],
    [{ 'maven-version': 'latest' }, {}, 'Input \'maven-version\': got "latest"; expected an Apache Maven release'],
    [{ 'maven-version': '3.9' }, {}, 'Input \'maven-version\': got "3.9"; expected an Apache Maven release'],
    [{ 'maven-version': '3.9.9/../../x' }, {}, 'Input \'maven-version\': got "3.9.9/../../x"'],
    [
      { 'maven-mirror': 'ftp://mirror/maven' },
      {},
      'Input \'maven-mirror\': got "ftp://mirror/maven"; expected an http(s) URL',
    ],
    [{ 'maven-mirror': 'https://m/maven?x=1' }, {}, 'Input \'maven-mirror\': got "https://m/maven?x=1"'],
    [{ 'maven-mirror': 'https://u:p@m/maven' }, {}, "Input 'maven-mirror': holds credentials in the URL"],
    [{ 'maven-version': '3.9.9', 'maven-sha512': 'abc' }, {}, 'Input \'maven-sha512\': got "abc"; expected a SHA-512'],
    [{ 'maven-sha512': SHA512 }, {}, "Input 'maven-sha512': is given without maven-version"],
    [{ 'server-id': 'a b' }, {}, 'Input \'server-id\': got "a b"; expected a repository id'],
    [
      { 'server-id': 'corp', 'server-password': 'p' },
      {},
      'Input \'server-username\': is required with server-id "corp"',
    ],
    [
      { 'server-id': 'corp', 'server-username': 'u' },
      {},
      'Input \'server-password\': is required with server-id "corp"',
    ],
    [
      { 'server-username': 'u', 'server-password': 'p' },
      {},
      "Input 'server-id': is not given but 'server-username' is",
    ],
  ])('refuses %j (env %j)', async (given, env, message) => {
    await expect(read({ 'working-directory': 'svc', ...given }, env).result).rejects.toThrow(message);
  });

  it('masks the server credentials before any input is validated', async () => {
    const masked: string[] = [];
    const given = {
      'working-directory': 'svc',
      'server-id': 'corp',
      'server-username': 'deployer',
      'server-password': 'pw',
      goals: 'bad;goal',
    };
    await expect(read(given, {}, git('1'), (v) => masked.push(v)).result).rejects.toThrow("Input 'goals'");
    expect(masked).toEqual(['pw', 'deployer']);
    const bad = { 'server-id': 'a<b', 'server-username': 'deployer', 'server-password': 'pw' };
    const error = await read(bad, {}, git('1'), () => {}).result.catch((e: unknown) => e);
    expect(String(error)).not.toContain('pw');
  });

  it('asks for source-date-epoch when the commit time cannot be read', async () => {
    const { result } = read({ 'working-directory': 'svc' }, { GITHUB_SHA: 'abc' }, git(undefined));
    await expect(result).rejects.toThrow(
      "Input 'source-date-epoch': is not given and the commit time of abc cannot be read (fatal: not a git repository); check out the repository or give seconds since 1970",
    );
  });
});
