import { describe, expect, test } from 'vitest';
import { parseJavaVersion, requestedMajor, setupJava } from './setup-java.ts';

const jdk = { version: '17.0.15', major: 17, home: '/usr/lib/jvm/java-17' };

describe('the local actions/setup-java', () => {
  test.each([
    ['openjdk version "17.0.15" 2025-04-15', { version: '17.0.15', major: 17 }],
    ['java version "1.8.0_412"', { version: '1.8.0_412', major: 8 }],
    ['openjdk version "21" 2023-09-19', { version: '21', major: 21 }],
  ])('reads %j', (text, expected) => {
    expect(parseJavaVersion(text)).toEqual(expected);
  });

  test.each([
    ['17', 17],
    ['17.0', 17],
    ['17.x', 17],
    ['1.8', 8],
    ['latest', undefined],
  ])('java-version %j asks for major %j', (spec, major) => {
    expect(requestedMajor(spec)).toBe(major);
  });

  test.each([['17'], ['17.0'], ['17.0.15'], ['17.x']])('%s matches the machine JDK 17.0.15', (spec) => {
    const r = setupJava(jdk, { distribution: 'temurin', 'java-version': spec });
    expect(r.exportedEnv).toEqual({ JAVA_HOME: jdk.home, JAVA_HOME_17_X64: jdk.home });
    expect(r.addedPath).toEqual([`${jdk.home}/bin`]);
  });

  test.each([
    [{ distribution: 'temurin', 'java-version': '21' }, /java-version '21' is not on this machine.*17\.0\.15/],
    [{ distribution: 'temurin', 'java-version': '17.0.1' }, /java-version '17\.0\.1' is not on this machine/],
    [{ 'java-version': '17' }, /Input required and not supplied: distribution/],
    [{ distribution: 'openjdk', 'java-version': '17' }, /No supported distribution was found for input openjdk/],
    [{ distribution: 'temurin', 'java-version': 'latest' }, /input 'java-version': got 'latest'/],
  ])('refuses %j', (input, message) => {
    expect(() => setupJava(jdk, input)).toThrow(message);
  });
});
