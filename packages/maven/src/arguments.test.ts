import { describe, expect, it } from 'vitest';
import { splitArguments } from './arguments.ts';

describe('splitArguments', () => {
  it.each([
    ['-o -DskipITs', ['-o', '-DskipITs']],
    ['-Dmsg="hello world" -P a,b', ['-Dmsg=hello world', '-P', 'a,b']],
    ["-Dx='$(id)' ; rm -rf /", ['-Dx=$(id)', ';', 'rm', '-rf', '/']],
    ['-Dx=$(id)', ['-Dx=$(id)']],
    ['-Dy=`id` | cat && echo ~ * > out', ['-Dy=`id`', '|', 'cat', '&&', 'echo', '~', '*', '>', 'out']],
    ['-Da=1;-Db=2', ['-Da=1;-Db=2']],
    ['a\\ b "c\\"d" \'e\\f\'', ['a b', 'c"d', 'e\\f']],
    ['"" -X', ['', '-X']],
    ['-o\n-Pci\t-U', ['-o', '-Pci', '-U']],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: no shell expands ${HOME}
    ['-Dpath="${HOME}/x"', ['-Dpath=${HOME}/x']],
    ['  ', []],
  ])('%j -> %j (no shell: every character reaches Maven literally)', (text, argv) => {
    expect(splitArguments(text)).toEqual(argv);
  });

  it.each([
    ['-Dx="open', 'unterminated " quote'],
    ["-Dx='open", "unterminated ' quote"],
  ])('refuses %j', (text, message) => {
    expect(() => splitArguments(text)).toThrow(message);
  });
});
