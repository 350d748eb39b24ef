// The local equivalent of actions/setup-java: the machine's JDK, when its major is the one asked
// for. The local runner downloads nothing, so any other version fails the step and says which
// JDK the machine has. Like the real action it exports JAVA_HOME and JAVA_HOME_<major>_<ARCH>,
// puts <JAVA_HOME>/bin first on PATH and gives `distribution`, `version` and `path`; it does
// not write ~/.m2/settings.xml (the machine's Maven settings stay as they are).
import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { exec as defaultExec, type Exec } from '@bakeline/toolkit';

export interface InstalledJdk {
  /** e.g. 17.0.15+6 */
  version: string;
  major: number;
  home: string;
}

/** `java -version` (stderr) as OpenJDK prints it: `openjdk version "17.0.15" 2025-04-15`. */
export function parseJavaVersion(text: string): { version: string; major: number } | undefined {
  const m = /version "([0-9][0-9._+-]*)"/.exec(text);
  if (m === null) return undefined;
  const version = m[1] as string;
  // Java 8 and earlier report 1.8.0_x
  const parts = version.split(/[._+-]/);
  const major = parts[0] === '1' ? Number(parts[1]) : Number(parts[0]);
  return Number.isInteger(major) ? { version, major } : undefined;
}

/** The JDK on PATH (`java -version`, JAVA_HOME from the real path of `java`). */
export async function machineJdk(env: Record<string, string>, exec: Exec = defaultExec): Promise<InstalledJdk> {
  const result = await exec('java', ['-version'], { env });
  const parsed = parseJavaVersion(`${result.stderr}\n${result.stdout}`);
  if (parsed === undefined) {
    throw new Error(`actions/setup-java: cannot read the machine's JDK version from 'java -version': ${result.stderr}`);
  }
  const which = await exec('sh', ['-c', 'command -v java'], { env });
  const home = dirname(dirname(realpathSync(which.stdout.trim())));
  return { ...parsed, home };
}

/** The major a `java-version` input asks for: `17`, `17.0`, `17.0.15`, `17.x`, `1.8`. */
export function requestedMajor(spec: string): number | undefined {
  const m = /^(\d+)(?:\.(\d+|x))?(?:\.(\d+|x))?$/.exec(spec.trim());
  if (m === null) return undefined;
  return m[1] === '1' && m[2] !== undefined && m[2] !== 'x' ? Number(m[2]) : Number(m[1]);
}

export const SETUP_JAVA_DISTRIBUTIONS = [
  'temurin',
  'adopt',
  'adopt-hotspot',
  'adopt-openj9',
  'zulu',
  'liberica',
  'microsoft',
  'corretto',
  'semeru',
  'oracle',
  'dragonwell',
  'sapmachine',
  'graalvm',
  'jetbrains',
];

export interface SetupJavaResult {
  outputs: Record<string, string>;
  exportedEnv: Record<string, string>;
  addedPath: string[];
}

export function setupJava(jdk: InstalledJdk, input: Record<string, string | undefined>): SetupJavaResult {
  const action = 'actions/setup-java';
  if (input['java-version-file'] !== undefined) {
    throw new Error(`${action}: input 'java-version-file' is not supported by the local runner; give 'java-version'`);
  }
  const distribution = input.distribution;
  if (distribution === undefined) throw new Error(`${action}: Input required and not supplied: distribution`);
  if (!SETUP_JAVA_DISTRIBUTIONS.includes(distribution)) {
    throw new Error(`${action}: No supported distribution was found for input ${distribution}`);
  }
  const spec = input['java-version'];
  if (spec === undefined) throw new Error(`${action}: java-version or java-version-file input expected`);
  const wanted = requestedMajor(spec);
  if (wanted === undefined) {
    throw new Error(`${action}: input 'java-version': got '${spec}'; expected a version such as 17, 17.0 or 17.0.15`);
  }
  const given = spec.split('.').filter((part) => part !== 'x');
  const have = jdk.version.split(/[.+_-]/);
  const samePrefix = wanted === 8 || given.every((part, i) => part === have[i]);
  if (wanted !== jdk.major || !samePrefix) {
    throw new Error(
      `${action}: java-version '${spec}' is not on this machine: the local runner uses the machine's JDK, ${jdk.version} (major ${jdk.major}, ${jdk.home}), and downloads none. Set java-version to ${jdk.major}, or install a JDK ${wanted}.`,
    );
  }
  if ((input['java-package'] ?? 'jdk') !== 'jdk') {
    throw new Error(`${action}: input 'java-package': the machine has a plain JDK; got '${input['java-package']}'`);
  }
  const arch = input.architecture ?? 'x64';
  if (!['x64', 'amd64'].includes(arch)) {
    throw new Error(`${action}: input 'architecture': the machine's JDK is x64; got '${arch}'`);
  }
  return {
    outputs: { distribution, version: jdk.version, path: jdk.home, 'cache-hit': 'false' },
    exportedEnv: { JAVA_HOME: jdk.home, [`JAVA_HOME_${jdk.major}_X64`]: jdk.home },
    addedPath: [`${jdk.home}/bin`],
  };
}
