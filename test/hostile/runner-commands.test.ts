// The independent checker reads stdout as the runner's parser does (ActionCommand.TryParseV2 and
// TryParse, ActionCommandManager's stop-commands handling): each row is what the runner source says.
import { describe, expect, test } from 'vitest';
import { dotnetTrimStart, injectedCommands, runnerCommands, runnerLines } from './runner-commands.ts';

describe('runner command checker', () => {
  test.each([
    ['plain v2', '::error::pwned', 'error', 'pwned'],
    ['upper-case name (OrdinalIgnoreCase)', '::ERROR::pwned', 'ERROR', 'pwned'],
    ['after spaces and tabs', ' \t ::warning::pwned', 'warning', 'pwned'],
    ['after U+0085 (NEL: .NET white space, not JavaScript \\s)', '\u0085::error::pwned', 'error', 'pwned'],
    ['after U+00A0, U+2007, U+3000', '\u00a0\u2007\u3000::notice::pwned', 'notice', 'pwned'],
    ['after U+2028 (a JavaScript line terminator, not a runner one)', '\u2028::error::pwned', 'error', 'pwned'],
    ['legacy at the start', '##[error]pwned', 'error', 'pwned'],
    ['legacy in mid-line', 'Tests run: 1 ##[error]pwned', 'error', 'pwned'],
    ['legacy set-output with properties', 'x ##[set-output name=digest]pwned', 'set-output', 'pwned'],
    ['v2 data unescaped: %0A', '::error::pwned%0A::error::two', 'error', 'pwned\n::error::two'],
  ])('%s is a command', (_name, line, command, data) => {
    const [parsed] = runnerCommands(`${line}\n`);
    expect(parsed?.command).toBe(command);
    expect(parsed?.data).toBe(data);
  });

  test.each([
    ['a zero-width space before it (U+200B is not .NET white space)', '\u200b::error::pwned'],
    ['U+FEFF before it (JavaScript \\s, not .NET white space)', '\ufeff::error::pwned'],
    ['an unregistered name', '::pwned::x'],
    ['v2 in mid-line', 'text ::error::pwned'],
    ['a neutralized legacy prefix', '#\u200b#[error]pwned'],
    ['no closing bracket', '##[error pwned'],
  ])('%s is not a command', (_name, line) => {
    expect(runnerCommands(`${line}\n`)).toEqual([]);
  });

  test('lines end at \\r, \\n and \\r\\n, not at U+2028 or U+0085', () => {
    expect(runnerLines('a\rb\nc\r\nd\u2028e\u0085f')).toEqual(['a', 'b', 'c', 'd\u2028e\u0085f']);
    expect(runnerCommands('progress 10%\r::error::pwned\n').map((c) => c.data)).toEqual(['pwned']);
  });

  test('stop-commands pauses every command until its token; the token resumes case-insensitively', () => {
    const out = ['::stop-commands::tok123', '::error::hidden', '##[error]hidden', '::TOK123::', '::error::seen', ''];
    expect(runnerCommands(out.join('\n')).map((c) => `${c.command}:${c.data}`)).toEqual([
      'stop-commands:tok123',
      'TOK123:',
      'error:seen',
    ]);
  });

  test('dotnetTrimStart strips exactly .NET white space', () => {
    expect(dotnetTrimStart('\u0085\u1680\u205f\u202f\v\fx ')).toBe('x ');
    expect(dotnetTrimStart('\u200bx')).toBe('\u200bx');
  });

  test('an annotation of bakeline quoting hostile text is not an injection; a command starting with the marker is', () => {
    const stdout = [
      '::error::Test failed: ##[error]PWNED-1 (quoted)',
      '\u0085::error::PWNED-2',
      'log ##[set-output name=digest]PWNED-3',
      '::add-mask::x PWNED-4',
      '::set-output name=PWNED-5::y',
      '',
    ].join('\n');
    expect(injectedCommands(stdout, 'PWNED').map((c) => c.line)).toEqual([1, 2, 3, 4]);
  });
});
