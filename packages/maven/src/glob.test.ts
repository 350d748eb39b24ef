import { describe, expect, it } from 'vitest';
import { globToRegExp } from './glob.ts';

describe('globToRegExp', () => {
  it.each([
    ['service/target/*.jar', 'service/target/multi-service-2.1.0.jar', true],
    ['**/target/multi-service-*.jar', 'service/target/multi-service-2.1.0.jar', true],
    ['**/target/*.jar', 'target/app.jar', true],
    ['**/*.jar', 'a/b/target/x.jar', true],
    ['*/target/*.jar', 'a/b/target/x.jar', false],
    ['target/app-?.jar', 'target/app-1.jar', true],
    ['target/app-?.jar', 'target/app-10.jar', false],
    ['target/app.jar', 'target/appXjar', false],
    ['target/[ab].jar', 'target/[ab].jar', true],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(globToRegExp(pattern).test(path)).toBe(expected);
  });
});
