import { describe, expect, test } from 'vitest';
import { checkEnvName, checkUser, looksSecret, normalizePort, parseEntrypoint } from './runtime-settings.ts';

describe('checkUser', () => {
  test.each(['10001', '10001:10001', 'app', 'app:app', 'nobody'])('accepts %s', (user) => {
    expect(() => checkUser(user, false)).not.toThrow();
  });
  test.each(['0', 'root', '0:0', 'root:root', '000'])('refuses root %s unless allowed', (user) => {
    expect(() => checkUser(user, false)).toThrow(/would run as root/);
    expect(() => checkUser(user, true)).not.toThrow();
  });
  test.each(['', 'Has Space', 'x;rm', '1:2:3'])('refuses the malformed %j', (user) => {
    expect(() => checkUser(user, true)).toThrow(/expected a user name or numeric uid/);
  });
});

describe('normalizePort', () => {
  test.each([
    ['8080', '8080/tcp'],
    ['8080/tcp', '8080/tcp'],
    ['5005/udp', '5005/udp'],
    [' 9000 ', '9000/tcp'],
  ])('%s -> %s', (port, expected) => {
    expect(normalizePort(port)).toBe(expected);
  });
  test.each(['0', '65536', 'http', '80/http', '-1'])('refuses %s', (port) => {
    expect(() => normalizePort(port)).toThrow(/expected a port 1-65535/);
  });
});

describe('env names', () => {
  test.each([
    'DB_PASSWORD',
    'API_KEY',
    'GITHUB_TOKEN',
    'CLIENT_SECRET',
    'DBPASSWORD',
    'AWS_SECRET_ACCESS_KEY',
    'PRIVATE_KEY',
    'SPRING_DATASOURCE_PASSWORD',
    'MY_APIKEY',
    'AUTH_CREDENTIALS',
  ])('%s looks secret and is refused', (name) => {
    expect(looksSecret(name)).toBe(true);
    expect(() => checkEnvName(name)).toThrow(/looks like a secret/);
  });
  test.each(['SERVER_PORT', 'JAVA_KEYSTORE_TYPE', 'LOG_LEVEL', 'SPRING_PROFILES_ACTIVE', 'TZ'])(
    '%s is allowed',
    (name) => {
      expect(() => checkEnvName(name)).not.toThrow();
    },
  );
  test('a malformed name is refused', () => {
    expect(() => checkEnvName('1BAD')).toThrow(/expected a variable name/);
  });
});

describe('parseEntrypoint', () => {
  test.each<[string, string[]]>([
    ['["java","-jar","/app/app.jar"]', ['java', '-jar', '/app/app.jar']],
    ['java  -jar /app/app.jar', ['java', '-jar', '/app/app.jar']],
  ])('%s', (text, expected) => {
    expect(parseEntrypoint(text)).toEqual(expected);
  });
  test.each([
    ['["java",', /JSON array of strings/],
    ['[]', /non-empty JSON array/],
    ['["java", 1]', /non-empty JSON array/],
  ])('refuses %s', (text, message) => {
    expect(() => parseEntrypoint(text)).toThrow(message);
  });
});
