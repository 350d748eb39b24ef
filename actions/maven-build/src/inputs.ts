// Typed inputs of maven-build, all validated before Maven starts: a bad one fails the step with
// one line naming the input, the value and what was expected.
import { existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type InputReader, maskSecret, inputs as runnerInputs } from '@bakeline/action-io';
import {
  DEFAULT_MAVEN_MIRROR,
  MAVEN_VERSION,
  SERVER_ID,
  type ServerCredentials,
  SHA512_HEX,
  splitArguments,
} from '@bakeline/maven';
import { type Exec, errorMessage, exec, InputError } from '@bakeline/toolkit';

export interface Inputs {
  workspace: string;
  workingDirectory: string;
  goals: string[];
  arguments: string[];
  settingsFile: string | undefined;
  module: string | undefined;
  artifactPattern: string | undefined;
  /** undefined when `cache` is false. `path` undefined: the repository Maven uses. */
  cache: { dir: string; path: string | undefined } | undefined;
  useWrapper: boolean;
  sourceDateEpoch: number;
  /** `maven-version`, `maven-mirror` (no trailing slash), `maven-sha512` (lower-case hex). */
  maven: { version: string | undefined; mirror: string; sha512: string | undefined };
  server: ServerCredentials | undefined;
  /** RUNNER_TEMP: where the run's scratch directory goes. */
  tempDir: string;
}

/** A Maven phase, `plugin:goal`, or `groupId:artifactId:version:goal` (with `@execution`). */
const GOAL = /^[A-Za-z0-9][A-Za-z0-9._-]*(?::[A-Za-z0-9._-]+){0,3}(?:@[A-Za-z0-9._-]+)?$/;
const EPOCH = /^\d{1,11}$/;

/** The commit time of `sha` (seconds), or a reason why it cannot be had. */
async function commitTime(cwd: string, sha: string, run: Exec): Promise<number | string> {
  try {
    const result = await run('git', ['log', '-1', '--format=%ct', sha, '--'], { cwd, timeoutMs: 30_000 });
    const text = result.stdout.trim();
    if (result.exitCode === 0 && EPOCH.test(text)) return Number(text);
    return result.stderr.trim().split('\n')[0] || `git log answered ${JSON.stringify(text)}`;
  } catch (error: unknown) {
    return errorMessage(error);
  }
}

async function sourceDateEpoch(reader: InputReader, env: NodeJS.ProcessEnv, cwd: string, run: Exec): Promise<number> {
  const given = reader.getString('source-date-epoch');
  if (given !== '') {
    if (!EPOCH.test(given)) {
      throw new InputError('source-date-epoch', `got "${given}"; expected whole seconds since 1970, e.g. 1700000000`);
    }
    return Number(given);
  }
  const fromEnv = env.SOURCE_DATE_EPOCH?.trim();
  if (fromEnv) {
    if (!EPOCH.test(fromEnv)) {
      throw new InputError(
        'source-date-epoch',
        `is not given and SOURCE_DATE_EPOCH is "${fromEnv}"; expected whole seconds since 1970`,
      );
    }
    return Number(fromEnv);
  }
  const sha = env.GITHUB_SHA?.trim() || 'HEAD';
  const time = await commitTime(cwd, sha, run);
  if (typeof time === 'number') return time;
  throw new InputError(
    'source-date-epoch',
    `is not given and the commit time of ${sha} cannot be read (${time}); check out the repository or give seconds since 1970`,
  );
}

/** Credentials are registered as secrets before anything is validated, so no error can print them. */
function serverCredentials(reader: InputReader, mask: (value: string) => void): ServerCredentials | undefined {
  const username = reader.getString('server-username');
  const password = reader.getString('server-password');
  mask(password);
  mask(username);
  const id = reader.getString('server-id');
  if (id === '') {
    const given = username !== '' ? 'server-username' : password !== '' ? 'server-password' : undefined;
    if (given) throw new InputError('server-id', `is not given but '${given}' is; give the <server> id they are for`);
    return undefined;
  }
  if (!SERVER_ID.test(id)) {
    throw new InputError(
      'server-id',
      `got "${id}"; expected a repository id as in the POM's <repository><id> (letters, digits, '.', '_', '-')`,
    );
  }
  if (username === '' || password === '') {
    throw new InputError(
      username === '' ? 'server-username' : 'server-password',
      `is required with server-id "${id}"; give both server-username and server-password`,
    );
  }
  return { id, username, password };
}

function mavenSetup(reader: InputReader): Inputs['maven'] {
  const version = reader.getOptionalString('maven-version');
  if (version !== undefined && !MAVEN_VERSION.test(version)) {
    throw new InputError('maven-version', `got "${version}"; expected an Apache Maven release such as 3.9.9`);
  }
  const mirror = reader.getString('maven-mirror', { default: DEFAULT_MAVEN_MIRROR });
  let url: URL | undefined;
  try {
    url = new URL(mirror);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
    throw new InputError(
      'maven-mirror',
      `got "${mirror}"; expected an http(s) URL laid out like ${DEFAULT_MAVEN_MIRROR} (no query or fragment)`,
    );
  }
  if (url.username || url.password) {
    throw new InputError('maven-mirror', 'holds credentials in the URL; expected a URL without user or password');
  }
  const sha512 = reader.getOptionalString('maven-sha512')?.toLowerCase();
  if (sha512 !== undefined && !SHA512_HEX.test(sha512)) {
    throw new InputError('maven-sha512', `got "${sha512}"; expected a SHA-512 digest of 128 hex characters`);
  }
  if (sha512 !== undefined && version === undefined) {
    throw new InputError('maven-sha512', 'is given without maven-version; a digest belongs to one release');
  }
  return { version, mirror: mirror.replace(/\/+$/, ''), sha512 };
}

export async function readInputs(
  reader: InputReader = runnerInputs,
  env: NodeJS.ProcessEnv = process.env,
  run: Exec = exec,
  mask: (value: string) => void = maskSecret,
): Promise<Inputs> {
  const server = serverCredentials(reader, mask);
  const workspace = resolve(env.GITHUB_WORKSPACE ?? process.cwd());
  const workingDirectory = reader.getPath('working-directory', { default: '.', mustExist: 'dir', workspace });
  if (!existsSync(join(workingDirectory, 'pom.xml'))) {
    throw new InputError(
      'working-directory',
      `got "${reader.getString('working-directory', { default: '.' })}"; no pom.xml in ${workingDirectory} (expected the directory of the root pom.xml)`,
    );
  }
  const goals = reader.getString('goals', { default: 'verify' }).split(/\s+/).filter(Boolean);
  const badGoal = goals.find((g) => !GOAL.test(g));
  if (badGoal !== undefined) {
    throw new InputError('goals', `got "${badGoal}"; expected Maven phases or plugin goals such as verify or jar:jar`);
  }
  let args: string[];
  try {
    args = splitArguments(reader.getString('arguments'));
  } catch (error: unknown) {
    throw new InputError('arguments', `${errorMessage(error)}; close the quote or escape it with \\`, { cause: error });
  }
  const settings = reader.getPath('settings-file', { mustExist: 'file', workspace });
  const module = reader.getOptionalString('module');
  const artifactPattern = reader.getOptionalString('artifact-pattern');
  if (module && artifactPattern) {
    throw new InputError(
      'artifact-pattern',
      `got "${artifactPattern}" together with module "${module}"; give one of them`,
    );
  }
  const useCache = reader.getBoolean('cache', { default: true });
  const cachePath = reader.getOptionalString('cache-path')?.replace(/^~(?=\/|$)/, homedir());
  const cacheDir =
    reader.getOptionalString('cache-dir') ??
    join(env.RUNNER_TOOL_CACHE || env.RUNNER_TEMP || join(homedir(), '.cache'), 'bakeline-maven-cache');
  const useWrapper = reader.getBoolean('use-wrapper', { default: true });
  const maven = mavenSetup(reader);
  return {
    workspace,
    workingDirectory,
    goals: goals.length > 0 ? goals : ['verify'],
    arguments: args,
    settingsFile: settings || undefined,
    module,
    artifactPattern,
    cache: useCache
      ? { dir: resolve(workspace, cacheDir), path: cachePath ? resolve(workspace, cachePath) : undefined }
      : undefined,
    useWrapper,
    sourceDateEpoch: await sourceDateEpoch(reader, env, workingDirectory, run),
    maven,
    server,
    tempDir: env.RUNNER_TEMP || tmpdir(),
  };
}
