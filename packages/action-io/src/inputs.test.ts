import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@bakeline/toolkit';
import { describe, expect, it } from 'vitest';
import { InputReader, inputVariableName } from './inputs.ts';

const reader = (values: Record<string, string>) => new InputReader((name) => values[name]);

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error: unknown) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('inputVariableName', () => {
  it.each([
    ['working-directory', 'INPUT_WORKING-DIRECTORY'],
    ['my input', 'INPUT_MY_INPUT'],
    ['digest', 'INPUT_DIGEST'],
  ])('maps %s to %s as the runner does', (name, variable) => {
    expect(inputVariableName(name)).toBe(variable);
  });
});

describe('getString', () => {
  it('trims, applies the default, and names a missing required input', () => {
    expect(reader({ a: '  x  ' }).getString('a')).toBe('x');
    expect(reader({}).getString('a', { default: 'd' })).toBe('d');
    expect(errorOf(() => reader({ a: '  ' }).getString('a', { required: true })).message).toBe(
      "Input 'a': is required and was not given",
    );
  });
});

describe('getBoolean', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
    ['', true],
  ])('reads %j as %s', (value, expected) => {
    expect(reader({ b: value }).getBoolean('b', { default: true })).toBe(expected);
  });

  it.each(['yes', '1', 'on', 'tru'])('refuses %j and names the input, the value and the allowed values', (value) => {
    const error = errorOf(() => reader({ cache: value }).getBoolean('cache', { default: true }));
    expect(error.input).toBe('cache');
    expect(error.message).toContain(`"${value}"`);
    expect(error.message).toContain('true | True | TRUE | false | False | FALSE');
  });
});

describe('getEnum', () => {
  it('accepts a listed value and refuses another with the list', () => {
    expect(reader({ builder: 'jar' }).getEnum('builder', ['auto', 'jar', 'dockerfile'])).toBe('jar');
    expect(reader({}).getEnum('builder', ['auto', 'jar'], { default: 'auto' })).toBe('auto');
    expect(errorOf(() => reader({ builder: 'kaniko' }).getEnum('builder', ['auto', 'jar'])).message).toBe(
      `Input 'builder': got "kaniko"; expected one of: auto | jar`,
    );
  });
});

describe('getInteger', () => {
  it.each(['abc', '1.5', '12abc', '', '0x10', '99'])('refuses %j instead of silently using a default', (value) => {
    const read = () => reader({ n: value }).getInteger('n', { min: 1, max: 64 });
    expect(read).toThrow(InputError);
    expect(errorOf(read).message).toMatch(/^Input 'n': /);
  });

  it('reads integers within bounds and uses the default only when absent', () => {
    expect(reader({ n: '8' }).getInteger('n', { min: 1, max: 64 })).toBe(8);
    expect(reader({}).getInteger('n', { default: 4 })).toBe(4);
  });
});

describe('getDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
  ])('reads %s as %i ms', (value, ms) => {
    expect(reader({ t: value }).getDuration('t')).toBe(ms);
  });

  it.each(['10', 'ten minutes', '5d', '-1s', '1m x'])('refuses %j', (value) => {
    expect(errorOf(() => reader({ t: value }).getDuration('t', { default: 1 })).message).toContain(
      'expected a duration such as 90s, 10m or 1h30m',
    );
  });
});

describe('getList and getKeyValues', () => {
  it('splits on newlines and commas and drops empty items', () => {
    expect(reader({ tags: 'a, b\nc\n\n,d' }).getList('tags')).toEqual(['a', 'b', 'c', 'd']);
    expect(reader({ args: 'x,y\nz' }).getList('args', { separator: 'newline' })).toEqual(['x,y', 'z']);
  });

  it('reads KEY=VALUE lines, keeps = in values, and refuses bad lines and duplicate keys', () => {
    expect(reader({ env: 'A=1\n# comment\nB=x=y\n\nC=' }).getKeyValues('env')).toEqual({ A: '1', B: 'x=y', C: '' });
    expect(errorOf(() => reader({ env: 'A=1\nnot a pair' }).getKeyValues('env')).message).toContain('line 2');
    expect(errorOf(() => reader({ env: 'A=1\nA=2' }).getKeyValues('env')).message).toContain('repeats the key');
  });
});

describe('getPath', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'toolkit-ws-'));
  mkdirSync(join(workspace, 'svc'));
  writeFileSync(join(workspace, 'svc', 'pom.xml'), '<project/>');
  symlinkSync(tmpdir(), join(workspace, 'escape'));

  it('resolves inside the workspace and checks the kind', () => {
    expect(reader({ p: 'svc' }).getPath('p', { workspace, mustExist: 'dir' })).toBe(join(workspace, 'svc'));
    expect(errorOf(() => reader({ p: 'svc/pom.xml' }).getPath('p', { workspace, mustExist: 'dir' })).message).toContain(
      'expected a directory',
    );
    expect(errorOf(() => reader({ p: 'missing' }).getPath('p', { workspace, mustExist: 'dir' })).message).toContain(
      'no such directory',
    );
  });

  it('checks every path of a list', () => {
    expect(reader({ p: 'svc\nsvc/pom.xml' }).getPathList('p', { workspace, mustExist: 'any' })).toEqual([
      join(workspace, 'svc'),
      join(workspace, 'svc', 'pom.xml'),
    ]);
    expect(
      errorOf(() => reader({ p: 'svc, nope.yml' }).getPathList('p', { workspace, mustExist: 'file' })).message,
    ).toContain('"svc"; expected a file');
  });

  it('refuses paths that leave the workspace, directly or through a link', () => {
    expect(errorOf(() => reader({ p: '../etc' }).getPath('p', { workspace })).message).toContain(
      'inside the workspace',
    );
    expect(errorOf(() => reader({ p: '/etc' }).getPath('p', { workspace })).message).toContain('inside the workspace');
    expect(errorOf(() => reader({ p: 'escape' }).getPath('p', { workspace, mustExist: 'dir' })).message).toContain(
      'through a link',
    );
  });
});

describe('getEndpoint', () => {
  it.each(['http://127.0.0.1:4566', 'https://sts.eu-west-1.amazonaws.com', 'https://[::1]:8443/', 'http://localhost'])(
    'takes %s',
    (value) => {
      expect(reader({ 'sts-endpoint': value }).getEndpoint('sts-endpoint')).toBe(value);
    },
  );

  it.each([
    'http://127.0.0.1:notaport',
    'http://127.0.0.1:0',
    'http://127.0.0.1:70000',
    'ftp://example.com',
    '127.0.0.1:4566',
    'https://example.com/path',
    'https://example.com?x=1',
    'https://exa mple.com',
  ])('refuses %s naming the input and the form', (value) => {
    expect(() => reader({ 'sts-endpoint': value }).getEndpoint('sts-endpoint')).toThrow(
      `Input 'sts-endpoint': got ${JSON.stringify(value)}; expected http(s)://host[:port]`,
    );
  });

  it('is undefined when not given', () => {
    expect(reader({}).getEndpoint('sts-endpoint')).toBeUndefined();
  });
});
