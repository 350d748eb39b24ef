import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputReader } from '@bakeline/action-io';
import { InputError } from '@bakeline/toolkit';
import { describe, expect, test } from 'vitest';
import { readInputs } from './inputs.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';

function workspace(files: Record<string, string> = {}): string {
  const ws = mkdtempSync(join(tmpdir(), 'bakeline-ws-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(ws, path, '..'), { recursive: true });
    writeFileSync(join(ws, path), text);
  }
  return ws;
}

function read(values: Record<string, string>, ws: string, env: Record<string, string> = {}) {
  const reader = new InputReader((name) => values[name]);
  return readInputs(reader, {
    GITHUB_WORKSPACE: ws,
    GITHUB_SHA: SHA,
    RUNNER_TEMP: join(ws, '..', 'tmp'),
    HOME: ws,
    ...env,
  });
}

const layoutWs = () =>
  workspace({
    'target/licensing-service.jar': 'jar',
    'base/oci-layout': '{"imageLayoutVersion":"1.0.0"}',
    'base/index.json': '{}',
  });

const jarOk = {
  builder: 'jar',
  jar: 'target/*.jar',
  'base-image': 'base',
  'image-name': 'licensing-service',
  'source-date-epoch': '1700000000',
};

describe('readInputs', () => {
  test('jar builder: resolves the glob, the layout, the tags and the OCI annotations', async () => {
    const ws = layoutWs();
    const inputs = await read({ ...jarOk, tags: 'stable' }, ws, {
      GITHUB_REF: 'refs/tags/v1.2.3',
      GITHUB_REPOSITORY: 'acme/licensing',
      GITHUB_SERVER_URL: 'https://github.com',
    });
    expect(inputs.builder).toBe('jar');
    expect(inputs.jarPath).toBe(join(ws, 'target/licensing-service.jar'));
    expect(inputs.base).toEqual({ kind: 'layout', dir: join(ws, 'base') });
    expect(inputs.tags).toEqual(['stable', 'sha-0123456', '1.2.3']);
    expect(inputs.annotations).toEqual({
      'org.opencontainers.image.created': '2023-11-14T22:13:20Z',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.source': 'https://github.com/acme/licensing',
      'org.opencontainers.image.title': 'licensing-service',
      'org.opencontainers.image.version': '1.2.3',
    });
    expect(inputs.jar.user).toBe('10001');
  });

  test('auto picks jar without a Dockerfile and dockerfile with one', async () => {
    const noDockerfile = layoutWs();
    expect((await read({ ...jarOk, builder: 'auto' }, noDockerfile)).builder).toBe('jar');
    const withDockerfile = workspace({ 'target/a.jar': 'x', Dockerfile: 'FROM scratch\n' });
    expect(
      (await read({ jar: 'target/a.jar', 'image-name': 'svc', 'source-date-epoch': '1' }, withDockerfile)).builder,
    ).toBe('dockerfile');
  });

  test('a registry base image pinned by digest is a registry source', async () => {
    const ws = layoutWs();
    const digest = `sha256:${'c'.repeat(64)}`;
    const inputs = await read({ ...jarOk, 'base-image': `127.0.0.1:5000/jre17@${digest}` }, ws);
    expect(inputs.base).toEqual({
      kind: 'registry',
      reference: expect.objectContaining({ registry: '127.0.0.1:5000', repository: 'jre17', digest }),
    });
  });

  test.each<[string, Record<string, string>, string, RegExp]>([
    ['an uppercase repository', { 'image-name': 'Licensing-Service' }, 'image-name', /uppercase is not allowed/],
    ['a tag with a colon', { tags: 'v1:2' }, 'tags', /"v1:2"/],
    ['a tag with a slash', { tags: 'feature/x' }, 'tags', /"feature\/x"/],
    ['a tag over 128 characters', { tags: 'a'.repeat(129) }, 'tags', /129 characters/],
    ['latest', { tags: 'latest' }, 'tags', /'latest' is refused/],
    [
      'a digest that is not 64 hex',
      { 'base-image': '127.0.0.1:5000/jre17@sha256:abc' },
      'base-image',
      /64 lowercase hex/,
    ],
    ['a missing JAR', { jar: 'target/missing.jar' }, 'jar', /expected an existing file/],
    ['a missing path above the workspace', { jar: '../../../../no/such.jar' }, 'jar', /inside the workspace/],
    ['a glob above the workspace', { jar: '../*.jar' }, 'jar', /inside the workspace/],
    ['a glob matching nothing', { jar: 'build/*.jar' }, 'jar', /exactly one matching file, found no file/],
    ['a secret-looking env name', { env: 'API_TOKEN=x' }, 'env', /looks like a secret/],
    ['root', { user: 'root' }, 'user', /would run as root/],
    ['a bad port', { ports: '8080,http' }, 'ports', /"http"/],
    ['a bad entrypoint', { entrypoint: '["java",' }, 'entrypoint', /JSON array/],
    ['a negative epoch', { 'source-date-epoch': '-1' }, 'source-date-epoch', /integer/],
    ['no base image for the jar builder', { 'base-image': '' }, 'base-image', /is required with the jar builder/],
    ['an unknown builder', { builder: 'kaniko' }, 'builder', /auto \| dockerfile \| jar/],
    ['a layout path that is no layout', { 'base-image': 'oci:target' }, 'base-image', /not an OCI layout/],
  ])('refuses %s, naming the input', async (_name, change, input, message) => {
    const error = await read({ ...jarOk, ...change }, layoutWs()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(input);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message.split('\n')).toHaveLength(1);
  });

  test('refuses a glob matching two JARs, listing them', async () => {
    const ws = workspace({ 'target/a.jar': 'a', 'target/b.jar': 'b', 'base/oci-layout': '{}' });
    await expect(read(jarOk, ws)).rejects.toThrow(/Input 'jar'.*found 2 files \(target\/a\.jar, target\/b\.jar\)/);
  });

  test('refuses a Dockerfile outside the context', async () => {
    const ws = workspace({ 'svc/Dockerfile': 'FROM x\n', 'other/Dockerfile': 'FROM y\n' });
    await expect(
      read(
        {
          builder: 'dockerfile',
          context: 'svc',
          dockerfile: 'other/Dockerfile',
          'image-name': 'svc',
          'source-date-epoch': '1',
        },
        ws,
      ),
    ).rejects.toThrow(/Input 'dockerfile'.*inside the context/);
  });

  test('refuses jar-only inputs with the dockerfile builder', async () => {
    const ws = workspace({ Dockerfile: 'FROM x\n' });
    await expect(
      read({ builder: 'dockerfile', 'image-name': 'svc', 'java-options': '-Xmx1g', 'source-date-epoch': '1' }, ws),
    ).rejects.toThrow(/Input 'java-options': applies to the jar builder only/);
  });

  test('refuses BASE_IMAGE in build-args together with base-image', async () => {
    const ws = workspace({ Dockerfile: 'FROM x\n' });
    await expect(
      read(
        {
          builder: 'dockerfile',
          'image-name': 'svc',
          'base-image': `r.example/b@sha256:${'d'.repeat(64)}`,
          'build-args': 'BASE_IMAGE=x',
          'source-date-epoch': '1',
        },
        ws,
      ),
    ).rejects.toThrow(/Input 'build-args': sets BASE_IMAGE/);
  });

  test('without source-date-epoch, the commit time comes from git; outside a repository it fails naming the input', async () => {
    const ws = layoutWs();
    const { source: _s, ...rest } = { ...jarOk, source: '' };
    const { 'source-date-epoch': _sde, ...withoutSde } = rest;
    await expect(read(withoutSde, ws)).rejects.toThrow(
      /Input 'source-date-epoch': is not given, nor SOURCE_DATE_EPOCH, and .*cannot read the commit time/,
    );
  });
});
