import { describe, expect, test } from 'vitest';
import { debianPurl, encodePurlSegment, formatPurl, mavenPurl, ociPurl } from './purl.ts';

describe('purl', () => {
  test.each([
    [mavenPurl('org.apache.commons', 'commons-text', '1.12.0'), 'pkg:maven/org.apache.commons/commons-text@1.12.0'],
    [
      debianPurl({
        name: 'openjdk-17-jre-headless',
        version: '17.0.19+10-1~deb12u2',
        architecture: 'amd64',
        distro: 'debian-12',
      }),
      'pkg:deb/debian/openjdk-17-jre-headless@17.0.19%2B10-1~deb12u2?arch=amd64&distro=debian-12',
    ],
    [
      debianPurl({ name: 'libc6', version: '1:2.36-9', architecture: 'amd64' }),
      'pkg:deb/debian/libc6@1%3A2.36-9?arch=amd64',
    ],
    [
      debianPurl({ vendor: 'ubuntu', name: 'bash', version: '5.2', distro: 'ubuntu-24.04' }),
      'pkg:deb/ubuntu/bash@5.2?distro=ubuntu-24.04',
    ],
    [
      ociPurl('123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/Licensing', `sha256:${'a'.repeat(64)}`, 'amd64'),
      `pkg:oci/licensing@sha256%3A${'a'.repeat(64)}?arch=amd64&repository_url=123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/Licensing`,
    ],
    [ociPurl('licensing-service', 'sha256:ab'), 'pkg:oci/licensing-service@sha256%3Aab'],
  ])('%s', (purl, expected) => {
    expect(purl).toBe(expected);
  });

  test('percent-encodes everything but unreserved characters, as UTF-8', () => {
    expect(encodePurlSegment('a b/c@d?e#f%g+é')).toBe('a%20b%2Fc%40d%3Fe%23f%25g%2B%C3%A9');
    expect(encodePurlSegment('A-z_0.9~')).toBe('A-z_0.9~');
  });

  test('sorts qualifiers by key and leaves out empty ones', () => {
    expect(
      formatPurl({ type: 'deb', name: 'x', qualifiers: { z: '1', arch: 'amd64', empty: '', none: undefined } }),
    ).toBe('pkg:deb/x?arch=amd64&z=1');
  });

  test('a hostile name cannot add a segment, a version or a qualifier', () => {
    expect(mavenPurl('g/../x', 'a@1?b=c', '1#frag')).toBe('pkg:maven/g%2F..%2Fx/a%401%3Fb%3Dc@1%23frag');
  });

  test.each([
    [{ type: 'Maven', name: 'a' }, "type 'Maven'"],
    [{ type: 'maven', name: '' }, 'empty name'],
    [{ type: 'maven', namespace: [''], name: 'a' }, 'empty namespace segment'],
    [{ type: 'deb', name: 'a', qualifiers: { 'Bad Key': 'x' } }, "qualifier key 'Bad Key'"],
  ])('refuses %j', (parts, message) => {
    expect(() => formatPurl(parts)).toThrow(message);
  });
});
