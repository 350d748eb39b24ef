import { describe, expect, test } from 'vitest';
import { parseImageName } from './image-name.ts';

describe('parseImageName', () => {
  test.each([
    ['licensing-service', { repository: 'licensing-service' }],
    ['team/licensing-service', { repository: 'team/licensing-service' }],
    ['127.0.0.1:5000/bakeline/svc', { registry: '127.0.0.1:5000', repository: 'bakeline/svc' }],
    [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/licensing-service',
      { registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', repository: 'licensing-service' },
    ],
    ['localhost/a__b', { registry: 'localhost', repository: 'a__b' }],
  ])('reads %s', (value, expected) => {
    expect(parseImageName(value)).toEqual(expected);
  });

  test.each([
    ['Licensing-Service', /component "Licensing-Service" must be lowercase.*uppercase is not allowed/],
    ['svc:1.0', /without a tag/],
    ['svc@sha256:abc', /without a digest/],
    ['team//svc', /component ""/],
    ['-svc', /component "-svc"/],
    ['svc-', /component "svc-"/],
    [`x/${'a'.repeat(256)}`, /1-255 characters/],
  ])('refuses %s', (value, message) => {
    expect(() => parseImageName(value)).toThrow(message);
  });
});

describe('parseImageName uses the one reference parser', () => {
  test.each([
    ['a registry port out of range', '127.0.0.1:99999/svc', /port between 1 and 65535/],
    ['an empty name', '', /empty string/],
    ['whitespace', 'team/ svc', /no whitespace/],
    ['a host with an empty label', 'a..b:5000/svc', /host name or IP address/],
  ])('refuses %s as parseReference does', (_name, value, message) => {
    expect(() => parseImageName(value)).toThrow(message);
  });
});
