import { describe, expect, test } from 'vitest';
import { CommandProcessor, dotnetTrimStart, UNSUPPORTED_STOP_TOKEN, unescapeData } from './action-command.ts';

function commandOf(line: string): { name: string; data: string } | undefined {
  const outcome = new CommandProcessor().process(line);
  return outcome.kind === 'command' ? { name: outcome.command.command, data: outcome.command.data } : undefined;
}

describe('workflow commands as actions/runner parses them', () => {
  test.each([
    ['::add-mask::s3cret', 'add-mask', 's3cret'],
    ['   ::add-mask::s3cret', 'add-mask', 's3cret'],
    ['\u0085::add-mask::s3cret', 'add-mask', 's3cret'],
    ['\u00a0\u2028\u3000::error::boom', 'error', 'boom'],
    ['::ADD-MASK::s3cret', 'ADD-MASK', 's3cret'],
    ['##[add-mask]s3cret', 'add-mask', 's3cret'],
    ['docker: step 3/5 ##[set-output name=digest;]sha256:0', 'set-output', 'sha256:0'],
    ['::error file=a%2Cb,line=3::line%0Anext', 'error', 'line\nnext'],
    ['::add-mask::a%25b', 'add-mask', 'a%b'],
    ['::add-mask::a%250Ab', 'add-mask', 'a%0Ab'],
  ])('%j is the command %s with data %j', (line, name, data) => {
    expect(commandOf(line)).toEqual({ name, data });
  });

  test.each([
    ['x ::add-mask::s3cret'],
    ['\ufeff::add-mask::s3cret'],
    ['::not-a-command::x'],
    ['::add-mask'],
    ['## [add-mask]x'],
  ])('%j is no command', (line) => {
    expect(commandOf(line)).toBeUndefined();
  });

  test('data is unescaped with ordinal replaces in the runner order', () => {
    expect(unescapeData('%0d%0a')).toBe('%0d%0a');
    expect(unescapeData('%0D%0A%25')).toBe('\r\n%');
    expect(unescapeData('%250A')).toBe('%0A');
  });

  test('TrimStart strips what .NET calls white space, and only that', () => {
    expect(dotnetTrimStart('\u0085\u2000\t x')).toBe('x');
    expect(dotnetTrimStart('\ufeffx')).toBe('\ufeffx');
  });

  test('stop-commands: only a command named like the token resumes, in either form', () => {
    const p = new CommandProcessor();
    expect(p.process('::stop-commands::tok-123456')).toEqual({ kind: 'stopped', token: 'tok-123456' });
    expect(p.process('::add-mask::x').kind).toBe('none');
    expect(p.process('##[error]x').kind).toBe('none');
    expect(p.process('log ##[TOK-123456]')).toEqual({ kind: 'resumed' });
    expect(p.process('::add-mask::x').kind).toBe('command');
    // the token is a command name no longer
    expect(p.process('::tok-123456::').kind).toBe('none');
  });

  test.each([[''], ['pause-logging'], ['add-mask'], ['Error']])('stop token %j is refused', (token) => {
    const p = new CommandProcessor();
    expect(p.process(`::stop-commands::${token}`)).toEqual({ kind: 'refused', message: UNSUPPORTED_STOP_TOKEN });
    expect(p.process('::add-mask::x').kind).toBe('command');
  });
});
