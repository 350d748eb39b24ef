import type { Digest, ImageConfig } from '@bakeline/oci';
import { describe, expect, test } from 'vitest';
import { checkJarImageSettings, defaultEntrypoint, jarImageConfig } from './jar-image-config.ts';

const base: ImageConfig = {
  architecture: 'amd64',
  os: 'linux',
  created: '2026-11-25T07:57:29Z',
  config: {
    Env: ['PATH=/usr/bin:/bin', 'JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64', 'LANG=C.UTF-8'],
    Cmd: ['/bin/bash'],
    WorkingDir: '/',
    ExposedPorts: { '9999/tcp': {} },
    Labels: { 'org.opencontainers.image.title': 'bakeline JRE base image', 'com.example.team': 'platform' },
  },
  rootfs: { type: 'layers', diff_ids: ['sha256:base' as Digest] },
  history: [{ created: '2026-11-25T07:57:29Z', created_by: 'debootstrap' }],
};

const layers = [{ diffId: 'sha256:app' as Digest, createdBy: 'bakeline jar: COPY app.jar /app/app.jar' }];
const created = '2023-11-14T22:13:20Z';

describe('jarImageConfig', () => {
  test('defaults: user 10001, java $JAVA_OPTS -jar /app/app.jar in exec form, base Cmd dropped', () => {
    const config = jarImageConfig(base, { settings: {}, javaArgs: ['-jar', '/app/app.jar'], layers, created });
    expect(config.config?.User).toBe('10001');
    expect(config.config?.Entrypoint).toEqual(['/bin/sh', '-c', 'exec java $JAVA_OPTS -jar /app/app.jar "$@"', 'java']);
    expect(config.config?.Cmd).toBeUndefined();
    expect(config.config?.WorkingDir).toBe('/app');
    expect(config.created).toBe(created);
    expect(config.rootfs.diff_ids).toEqual(['sha256:base', 'sha256:app']);
    expect(config.history).toEqual([
      { created: '2026-11-25T07:57:29Z', created_by: 'debootstrap' },
      { created, created_by: 'bakeline jar: COPY app.jar /app/app.jar', comment: 'bakeline' },
    ]);
  });

  test('keeps the base env, adds JAVA_OPTS and env defaults, merges ports, labels sorted, base OCI labels dropped', () => {
    const config = jarImageConfig(base, {
      settings: {
        javaOptions: '-XX:MaxRAMPercentage=75',
        env: { SERVER_PORT: '8080', LANG: 'en_US.UTF-8' },
        ports: ['8080', '5005/udp'],
        labels: { 'org.opencontainers.image.title': 'licensing-service', 'b.label': 'x' },
      },
      javaArgs: ['-jar', '/app/app.jar'],
      layers,
      created,
    });
    expect(config.config?.Env).toEqual([
      'PATH=/usr/bin:/bin',
      'JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64',
      'LANG=en_US.UTF-8',
      'JAVA_OPTS=-XX:MaxRAMPercentage=75',
      'SERVER_PORT=8080',
    ]);
    expect(config.config?.ExposedPorts).toEqual({ '5005/udp': {}, '8080/tcp': {}, '9999/tcp': {} });
    expect(config.config?.Labels).toEqual({
      'b.label': 'x',
      'com.example.team': 'platform',
      'org.opencontainers.image.title': 'licensing-service',
    });
  });

  test('a given entrypoint replaces the default; a fat JAR runs its Main-Class from /app', () => {
    const given = jarImageConfig(base, {
      settings: { entrypoint: ['java', '-jar', '/app/app.jar'] },
      javaArgs: [],
      layers,
      created,
    });
    expect(given.config?.Entrypoint).toEqual(['java', '-jar', '/app/app.jar']);
    expect(defaultEntrypoint(['-cp', '/app', 'org.springframework.boot.loader.launch.JarLauncher'])[2]).toBe(
      'exec java $JAVA_OPTS -cp /app org.springframework.boot.loader.launch.JarLauncher "$@"',
    );
    expect(defaultEntrypoint(['-cp', '/app', 'a.Outer$Inner'])[2]).toBe(
      `exec java $JAVA_OPTS -cp /app 'a.Outer$Inner' "$@"`,
    );
  });

  test.each<[string, Parameters<typeof checkJarImageSettings>[0], RegExp]>([
    ['root', { user: '0' }, /^user: .*would run as root/],
    ['a secret env', { env: { DB_PASSWORD: 'x' } }, /^env: refuses "DB_PASSWORD"/],
    ['a bad port', { ports: ['http'] }, /^ports: got "http"/],
    ['JAVA_OPTS twice', { javaOptions: '-Xmx1g', env: { JAVA_OPTS: '-Xmx2g' } }, /^env: sets JAVA_OPTS/],
  ])('refuses %s', (_name, settings, message) => {
    expect(() => checkJarImageSettings(settings)).toThrow(message);
    expect(() => jarImageConfig(base, { settings, javaArgs: [], layers, created })).toThrow(message);
  });

  test('root is accepted when allowed', () => {
    expect(
      jarImageConfig(base, { settings: { user: 'root', allowRoot: true }, javaArgs: [], layers, created }).config?.User,
    ).toBe('root');
  });
});
