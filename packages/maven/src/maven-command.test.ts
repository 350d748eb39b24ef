import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratch } from '../test/scratch.ts';
import { displayCommand, isoFromEpoch, localRepositoryOf, mavenCommand } from './maven-command.ts';

describe('mavenCommand', () => {
  it('runs mvn in batch mode with the settings, the timestamp, the arguments, then the goals; never adds -o', () => {
    const cmd = mavenCommand({
      workingDirectory: scratch(),
      goals: ['clean', 'verify'],
      arguments: ['-Pci', ';', '$(id)'],
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
        ';',
        '$(id)',
        'clean',
        'verify',
      ],
    });
    expect(cmd.args).not.toContain('-o');
  });

  it('leaves the timestamp out when the project sets it', () => {
    const cmd = mavenCommand({ workingDirectory: scratch(), goals: ['verify'], arguments: [], useWrapper: true });
    expect(cmd.args).toEqual(['-B', '--no-transfer-progress', 'verify']);
  });

  it.each([
    [0o755, true, 'wrapper', undefined],
    [0o755, false, 'mvn', 'use-wrapper is false'],
    [0o644, true, 'mvn', './mvnw is not executable (git update-index --chmod=+x mvnw)'],
  ])('mvnw with mode %o and useWrapper %s runs %s', (mode, useWrapper, runs, skipped) => {
    const dir = scratch({ mvnw: '#!/bin/sh\n' });
    chmodSync(join(dir, 'mvnw'), mode);
    const cmd = mavenCommand({ workingDirectory: dir, goals: [], arguments: [], useWrapper });
    expect(cmd.command).toBe(runs === 'wrapper' ? join(dir, 'mvnw') : 'mvn');
    expect(cmd.wrapperSkipped).toBe(skipped);
  });

  it('runs mvn without a note when there is no wrapper', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'pom.xml'), '<project/>');
    expect(mavenCommand({ workingDirectory: dir, goals: [], arguments: [], useWrapper: true })).not.toHaveProperty(
      'wrapperSkipped',
    );
  });
});

describe('isoFromEpoch', () => {
  it.each([
    [1_700_000_000, '2023-11-14T22:13:20Z'],
    [0, '1970-01-01T00:00:00Z'],
    [315_532_800, '1980-01-01T00:00:00Z'],
  ])('%i -> %s', (epoch, iso) => {
    expect(isoFromEpoch(epoch)).toBe(iso);
  });

  it.each([[-1], [1.5], [Number.NaN]])('refuses %d', (epoch) => {
    expect(() => isoFromEpoch(epoch)).toThrow('expected whole seconds since 1970');
  });
});

describe('localRepositoryOf', () => {
  it.each([
    [[], '/home/u/.m2/repository'],
    [['-o', '-Dmaven.repo.local=/cache/m2'], '/cache/m2'],
    [['-D', 'maven.repo.local=repo'], '/ws/repo'],
    [['-Dmaven.repo.local=~/r'], '/home/u/r'],
    [['-Dmaven.repo.local=/a', '-Dmaven.repo.local=/b'], '/b'],
  ])('%j -> %s', (args, expected) => {
    expect(localRepositoryOf(args, '/ws', '/home/u')).toBe(expected);
  });
});

describe('displayCommand', () => {
  it.each([
    [['-o', 'verify'], false, 'mvn -o verify'],
    [['-Dx=a b', "-Dy='q'", '', '-Dz=$(id)'], true, `./mvnw "-Dx=a b" "-Dy='q'" "" -Dz=$(id)`],
  ])('%j', (args, wrapper, shown) => {
    expect(displayCommand({ command: 'mvn', args, wrapper })).toBe(shown);
  });
});
