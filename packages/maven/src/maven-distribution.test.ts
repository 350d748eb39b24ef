import { describe, expect, it } from 'vitest';
import { mavenDistribution, parseMavenVersionOutput, parseSha512File } from './maven-distribution.ts';

const HEX = 'ab'.repeat(64);

describe('mavenDistribution', () => {
  it('follows Apache’s archive layout', () => {
    expect(mavenDistribution('https://archive.apache.org/dist/maven/', '3.9.9')).toEqual({
      version: '3.9.9',
      url: 'https://archive.apache.org/dist/maven/maven-3/3.9.9/binaries/apache-maven-3.9.9-bin.tar.gz',
      sha512Url: 'https://archive.apache.org/dist/maven/maven-3/3.9.9/binaries/apache-maven-3.9.9-bin.tar.gz.sha512',
      topDirectory: 'apache-maven-3.9.9',
    });
    expect(mavenDistribution('http://127.0.0.1:1', '4.0.0-rc-2').url).toBe(
      'http://127.0.0.1:1/maven-4/4.0.0-rc-2/binaries/apache-maven-4.0.0-rc-2-bin.tar.gz',
    );
  });

  it.each(['latest', '3.9', '../3.9.9', '3.9.9/../../x', ''])('refuses the version %j', (version) => {
    expect(() => mavenDistribution('https://example.invalid', version)).toThrow(/expected a release such as 3.9.9/);
  });
});

describe('parseSha512File', () => {
  it('reads the hex alone or sha512sum’s form', () => {
    expect(parseSha512File(`${HEX}\n`, 'u')).toBe(HEX);
    expect(parseSha512File(`${HEX.toUpperCase()}  apache-maven-3.9.9-bin.tar.gz\n`, 'u')).toBe(HEX);
  });

  it('refuses anything else, naming the URL', () => {
    expect(() => parseSha512File('<html>Not Found</html>', 'http://x/a.sha512')).toThrow(
      /http:\/\/x\/a.sha512: expected a SHA-512 digest/,
    );
  });
});

describe('parseMavenVersionOutput', () => {
  it('reads the version of `mvn -v`, with or without colours', () => {
    expect(parseMavenVersionOutput('\u001b[1mApache Maven 3.8.7\u001b[m\nMaven home: /m\n')).toBe('3.8.7');
    expect(parseMavenVersionOutput('Apache Maven 3.9.9 (8e8579a9e76f7d015ee5ec7bfcdc97d260186937)\n')).toBe('3.9.9');
    expect(parseMavenVersionOutput('bash: mvn: command not found')).toBeUndefined();
  });
});
