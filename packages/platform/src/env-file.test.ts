import { describe, expect, it } from 'vitest';
import { envFileText, parseEnvFile } from './env-file.ts';
import { checkRunId } from './target-environment.ts';

describe('env files', () => {
  it('reads KEY=VALUE lines, skipping blanks and comments, keeping = in values', () => {
    expect(parseEnvFile('# config\nA=1\n\n  B = x=y \r\nC=\n', 'env-file')).toEqual({ A: '1', B: ' x=y', C: '' });
  });

  it.each([
    ['=1', 'env-file: line 1 is not KEY=VALUE'],
    ['A=1\n1A=2', 'env-file: line 2 is not KEY=VALUE'],
    ['JUST_A_NAME', 'env-file: line 1 is not KEY=VALUE'],
    ['A=1\nA=2', 'env-file: line 2 repeats the key A'],
  ])('refuses %j', (text, message) => {
    expect(() => parseEnvFile(text, 'env-file')).toThrow(message);
  });

  it('writes one line per variable and refuses values that span lines', () => {
    expect(envFileText({ A: '1', B: 'x y' })).toBe('A=1\nB=x y\n');
    expect(() => envFileText({ A: 'one\ntwo' })).toThrow('environment variable A: a value cannot span lines');
  });

  it.each(['12-ab', 'local-0f3c'])('accepts the run id %s', (id) => expect(checkRunId(id)).toBe(id));
  it.each(['', 'Has-Upper', 'a b', '-lead'])('refuses the run id %j', (id) => {
    expect(() => checkRunId(id)).toThrow('expected lowercase letters, digits and');
  });
});
