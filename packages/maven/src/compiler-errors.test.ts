import { describe, expect, it } from 'vitest';
import { fixture } from '../test/scratch.ts';
import { parseCompilerErrors } from './compiler-errors.ts';

describe('parseCompilerErrors', () => {
  it.each([
    [
      'compiler-output-01.txt',
      [
        {
          file: '/ws/compile-error/src/main/java/fixture/Broken.java',
          line: 6,
          column: 12,
          message: 'cannot find symbol (symbol: variable valeu; location: class fixture.Broken)',
        },
      ],
    ],
    [
      'compiler-output-02.txt',
      [{ file: '/ws/shop/src/main/java/shop/Cart.java', line: 9, column: 24, message: "';' expected" }],
    ],
    [
      'compiler-output-03.txt',
      [
        {
          file: '/ws/shop/src/main/java/shop/Cart.java',
          line: 13,
          column: 22,
          message: 'incompatible types: java.lang.String cannot be converted to int',
        },
        {
          file: '/ws/shop/src/main/java/shop/Cart.java',
          line: 17,
          column: 11,
          message: 'incompatible types: java.lang.String cannot be converted to int',
        },
      ],
    ],
  ])('%s: each error once, with javac detail lines', (name, expected) => {
    expect(parseCompilerErrors(fixture(name))).toEqual(expected);
  });

  it.each([
    ['[WARNING] /ws/src/main/java/A.java:[3,8] [deprecation] old() in A has been deprecated'],
    ['[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test'],
    ['[INFO] /ws/src/main/java/A.java:[3,8] not an error'],
    [''],
  ])('finds no error in %j', (output) => {
    expect(parseCompilerErrors(output)).toEqual([]);
  });

  it('reads Windows paths and CRLF output', () => {
    expect(
      parseCompilerErrors(
        '[ERROR] C:\\ws\\src\\main\\java\\A.java:[1,2] class, interface, enum, or record expected\r\n',
      ),
    ).toEqual([
      {
        file: 'C:\\ws\\src\\main\\java\\A.java',
        line: 1,
        column: 2,
        message: 'class, interface, enum, or record expected',
      },
    ]);
  });
});
