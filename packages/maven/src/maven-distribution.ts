// Where an Apache Maven release lives: Apache's archive (and every mirror of it) lays releases out
// as `<base>/maven-<major>/<version>/binaries/apache-maven-<version>-bin.tar.gz`, with the SHA-512
// of each file beside it as `<file>.sha512` (the hex alone, or `<hex>  <file>`).

/** The base users get unless they name a mirror of their own. */
export const DEFAULT_MAVEN_MIRROR = 'https://archive.apache.org/dist/maven';
/** Installed when no Maven is found and no `maven-version` is asked for. */
export const DEFAULT_MAVEN_VERSION = '3.9.9';

/** A Maven release version: 3.9.9, 4.0.0-rc-2, 4.0.0-beta-5 (no path characters). */
export const MAVEN_VERSION = /^(\d+)\.\d+\.\d+(?:-[A-Za-z0-9]+(?:[.-][A-Za-z0-9]+)*)?$/;
export const SHA512_HEX = /^[0-9a-f]{128}$/;

export interface MavenDistribution {
  version: string;
  url: string;
  sha512Url: string;
  /** The top directory of the archive. */
  topDirectory: string;
}

export function mavenDistribution(mirror: string, version: string): MavenDistribution {
  const major = MAVEN_VERSION.exec(version)?.[1];
  if (major === undefined) throw new Error(`Maven version: got "${version}"; expected a release such as 3.9.9`);
  const url = `${mirror.replace(/\/+$/, '')}/maven-${major}/${version}/binaries/apache-maven-${version}-bin.tar.gz`;
  return { version, url, sha512Url: `${url}.sha512`, topDirectory: `apache-maven-${version}` };
}

/** The digest in a `.sha512` file: the hex alone, or `sha512sum` style (`<hex>  <file>`). */
export function parseSha512File(text: string, url: string): string {
  const first = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (!SHA512_HEX.test(first)) {
    throw new Error(`${url}: expected a SHA-512 digest (128 hex characters), got "${text.trim().slice(0, 80)}"`);
  }
  return first;
}

/** The version `mvn -v` reports ("Apache Maven 3.8.7 (...)"), or undefined. */
export function parseMavenVersionOutput(output: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes Maven may print
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  return /^Apache Maven (\S+)/m.exec(plain)?.[1];
}
