import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { findDebianMirror, parseDeb822Sources, parseOneLineSources, readAptSources } from './apt-sources.ts';

const fixtures = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'apt');

describe('findDebianMirror', () => {
  test.each([
    ['deb822-01', 'http://mirror.example/debian'],
    ['oneline-01', 'http://mirror.example.internal/debian'],
  ])('takes the mirror of the suite from %s', (fixture, mirror) => {
    expect(findDebianMirror(readAptSources(join(fixtures, fixture)), 'bookworm')).toBe(mirror);
  });

  test('ignores disabled stanzas, files apt ignores, and other suites; the error names the files read', () => {
    const sources = readAptSources(join(fixtures, 'disabled-01'));
    expect(() => findDebianMirror(sources, 'bookworm')).toThrow(
      /no apt source serves the suite 'bookworm'.*disabled-01\/sources\.list\.d\/debian\.sources/,
    );
  });

  test('does not take a deb-src line', () => {
    const sources = parseOneLineSources('deb-src http://src.example/debian bookworm main\n', 'x.list');
    expect(() => findDebianMirror(sources, 'bookworm')).toThrow(/no apt source/);
  });
});

describe('parseDeb822Sources', () => {
  test('reads continuation lines and several suites', () => {
    const [source] = parseDeb822Sources(
      'Types: deb\nURIs: http://a.example/debian\n  http://b.example/debian\nSuites: bookworm\nComponents: main contrib\n',
      'f.sources',
    );
    expect(source).toEqual({
      file: 'f.sources',
      types: ['deb'],
      uris: ['http://a.example/debian', 'http://b.example/debian'],
      suites: ['bookworm'],
      components: ['main', 'contrib'],
    });
  });
});
