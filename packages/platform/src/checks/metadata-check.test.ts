import { describe, expect, it } from 'vitest';
import { imageInspect } from '../../test/fake-engine.ts';
import { metadataCheck } from '../spec-schema.ts';
import { isRootUser, runMetadataCheck, secretLookingEnv } from './metadata-check.ts';

describe('metadata checks', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['0', true],
    ['0:0', true],
    ['root', true],
    ['root:root', true],
    ['10001', false],
    ['10001:0', false],
    ['app', false],
  ])('user %j is root: %s', (user, root) => expect(isRootUser(user)).toBe(root));

  it.each([
    ['DB_PASSWORD=x', true],
    ['DB_PASSWORD=', false],
    ['GITHUB_TOKEN=abc', true],
    ['AWS_SECRET_ACCESS_KEY=abc', true],
    ['NOTE=AKIAABCDEFGHIJKLMNOP', true],
    ['DATABASE_URL=jdbc:postgresql://app:hunter2@db/x', true],
    ['KEY_PEM=-----BEGIN RSA PRIVATE KEY-----', true],
    ['PATH=/usr/bin:/bin', false],
    ['JAVA_HOME=/usr/lib/jvm/java-17', false],
    ['DATABASE_URL=jdbc:postgresql://db/x', false],
  ])('%s looks secret: %s', (entry, secret) => {
    expect(secretLookingEnv([entry]).length > 0).toBe(secret);
  });

  it('passes an image that matches', () => {
    const image = imageInspect('sha256:x', {
      User: '10001',
      ExposedPorts: { '8080/tcp': {}, '9090/udp': {} },
      Labels: { 'org.opencontainers.image.source': 'https://x', 'org.opencontainers.image.revision': 'a'.repeat(40) },
      Env: ['PATH=/bin', 'PORT=8080'],
      Entrypoint: ['java', '-jar', '/app/app.jar'],
      Cmd: null,
      WorkingDir: '/app',
      Volumes: { '/data': {} },
      Healthcheck: { Test: ['CMD', 'true'] },
    });
    const check = metadataCheck.parse({
      user: { notRoot: true },
      exposedPorts: [8080, '9090/udp'],
      unexposedPorts: [22],
      labels: {
        present: ['org.opencontainers.image.source'],
        equals: { 'org.opencontainers.image.source': 'https://x' },
        matches: { 'org.opencontainers.image.revision': '^[0-9a-f]{40}$' },
      },
      env: { present: ['PORT'], absent: ['DEBUG'], equals: { PORT: '8080' } },
      entrypoint: ['java', '-jar', '/app/app.jar'],
      cmd: [],
      workdir: '/app',
      volumes: ['/data'],
      healthcheck: true,
      noSecretEnv: true,
    });
    expect(runMetadataCheck(image, check)).toEqual([]);
  });

  it('reports every mismatch', () => {
    const image = imageInspect('sha256:x', {
      User: 'root',
      ExposedPorts: { '9090/tcp': {}, '22/tcp': {} },
      Labels: { a: '1' },
      Env: ['DEBUG=1', 'API_TOKEN=abc'],
      Entrypoint: ['java'],
      Cmd: ['-jar'],
      WorkingDir: '',
      Healthcheck: { Test: ['NONE'] },
    });
    const check = metadataCheck.parse({
      user: { notRoot: true },
      exposedPorts: [8080],
      unexposedPorts: ['22/tcp'],
      labels: { present: ['b'], equals: { a: '2' }, matches: { c: '.' } },
      env: { present: ['PORT'], absent: ['DEBUG'], equals: { DEBUG: '0' } },
      entrypoint: ['sh'],
      cmd: [],
      workdir: '/app',
      volumes: ['/data'],
      healthcheck: true,
      noSecretEnv: true,
    });
    expect(runMetadataCheck(image, check)).toEqual([
      'the image runs as root (User is "root")',
      'port 8080/tcp is not exposed (exposed: 9090/tcp, 22/tcp)',
      'port 22/tcp is exposed',
      'label b is missing',
      'label a is "1", expected "2"',
      'label c is undefined, expected to match /./',
      'environment variable PORT is not set',
      'environment variable DEBUG is set',
      'environment variable DEBUG is "1", expected "0"',
      'entrypoint is ["java"], expected ["sh"]',
      'cmd is ["-jar"], expected []',
      'working directory is "", expected "/app"',
      'volume /data is not declared (declared: none)',
      'the image has no HEALTHCHECK',
      'environment variables that look secret are baked into the image: API_TOKEN',
    ]);
  });

  it('checks the exact user when asked', () => {
    const image = imageInspect('sha256:x', { User: '10001:10001' });
    expect(runMetadataCheck(image, metadataCheck.parse({ user: { equals: '10001' } }))).toEqual([
      'User is "10001:10001", expected "10001"',
    ]);
  });
});
