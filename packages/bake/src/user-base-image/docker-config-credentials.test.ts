import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exec } from '@bakeline/toolkit';
import { afterAll, describe, expect, test } from 'vitest';
import { dockerConfigCredentials, dockerConfigPath } from './docker-config-credentials.ts';

const temp = mkdtempSync(join(tmpdir(), 'bakeline-dockercfg-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function config(content: object): string {
  const path = join(mkdtempSync(join(temp, 'case-')), 'config.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('dockerConfigCredentials', () => {
  test.each<[string, object, string, { username: string; password: string } | undefined]>([
    [
      'an auths entry by host',
      { auths: { '127.0.0.1:5000': { auth: b64('ci:s3cr:et') } } },
      '127.0.0.1:5000',
      { username: 'ci', password: 's3cr:et' },
    ],
    [
      'an auths entry by https URL',
      { auths: { 'https://reg.example/v2/': { auth: b64('u:p') } } },
      'reg.example',
      { username: 'u', password: 'p' },
    ],
    [
      'Docker Hub under its legacy index URL',
      { auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } } },
      'docker.io',
      { username: 'hub', password: 'pw' },
    ],
    [
      'username and password fields',
      { auths: { 'reg.example': { username: 'u2', password: 'p2' } } },
      'reg.example',
      { username: 'u2', password: 'p2' },
    ],
    ['another host', { auths: { 'reg.example': { auth: b64('u:p') } } }, 'other.example', undefined],
  ])('%s', async (_name, content, registry, expected) => {
    expect(await dockerConfigCredentials(registry, { configPath: config(content) })).toEqual(expected);
  });

  test('no config file means anonymous', async () => {
    expect(await dockerConfigCredentials('reg.example', { configPath: '/nonexistent/config.json' })).toBeUndefined();
  });

  test('a credential helper for the host is asked with the host on stdin', async () => {
    const calls: { command: string; input: unknown }[] = [];
    const exec: Exec = async (command, _args, options) => {
      calls.push({ command, input: options?.input });
      return {
        exitCode: 0,
        signal: null,
        stdout: '{"Username":"AWS","Secret":"ecr-token"}',
        stderr: '',
        durationMs: 1,
      };
    };
    const path = config({ credHelpers: { '1234.dkr.ecr.eu-west-1.amazonaws.com': 'ecr-login' }, auths: {} });
    expect(await dockerConfigCredentials('1234.dkr.ecr.eu-west-1.amazonaws.com', { configPath: path, exec })).toEqual({
      username: 'AWS',
      password: 'ecr-token',
    });
    expect(calls).toEqual([{ command: 'docker-credential-ecr-login', input: '1234.dkr.ecr.eu-west-1.amazonaws.com' }]);
  });

  test('a helper that has no credentials gives anonymous; one that fails is an error', async () => {
    const notFound: Exec = async () => ({
      exitCode: 1,
      signal: null,
      stdout: 'credentials not found in native keychain',
      stderr: '',
      durationMs: 1,
    });
    const broken: Exec = async () => ({
      exitCode: 2,
      signal: null,
      stdout: '',
      stderr: 'helper crashed',
      durationMs: 1,
    });
    const path = config({ credsStore: 'pass' });
    expect(await dockerConfigCredentials('reg.example', { configPath: path, exec: notFound })).toBeUndefined();
    await expect(dockerConfigCredentials('reg.example', { configPath: path, exec: broken })).rejects.toThrow(
      /docker-credential-pass get failed for reg\.example \(exit 2\): helper crashed/,
    );
  });

  test('an auth that is not user:password is an error naming the registry, not the value', async () => {
    const path = config({ auths: { 'reg.example': { auth: b64('no-colon-here') } } });
    await expect(dockerConfigCredentials('reg.example', { configPath: path })).rejects.toThrow(
      /the auth entry for reg\.example is not base64 of user:password/,
    );
  });

  test('the path follows DOCKER_CONFIG, else HOME', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/cfg', HOME: '/home/u' })).toBe('/cfg/config.json');
    expect(dockerConfigPath({ HOME: '/home/u' })).toBe('/home/u/.docker/config.json');
  });
});
