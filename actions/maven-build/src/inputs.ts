// Typed inputs of maven-build, all validated before Maven starts.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { splitArguments } from '@bakeline/maven';
import { type Exec, exec, InputError, type InputReader, inputs as runnerInputs } from '@bakeline/toolkit';

export interface Inputs {
  workingDirectory: string;
  goals: string[];
  arguments: string[];
  settingsFile: string | undefined;
  module: string | undefined;
  artifactPattern: string | undefined;
  cache: { path: string; dir: string } | undefined;
  useWrapper: boolean;
  sourceDateEpoch: number;
}

const GOAL = /^[A-Za-z0-9:._-]+$/;

async function commitTime(workspace: string, sha: string | undefined, run: Exec): Promise<number | undefined> {
  if (!sha || !existsSync(join(workspace, '.git'))) return undefined;
  const result = await run('git', ['log', '-1', '--format=%ct', sha], { cwd: workspace });
  const value = Number(result.stdout.trim());
  return result.exitCode === 0 && Number.isInteger(value) ? value : undefined;
}

export async function readInputs(
  reader: InputReader = runnerInputs,
  env = process.env,
  run: Exec = exec,
): Promise<Inputs> {
  const workspace = resolve(env.GITHUB_WORKSPACE ?? process.cwd());
  const workingDirectory = reader.getPath('working-directory', { default: '.', mustExist: 'dir', workspace });
  if (!existsSync(join(workingDirectory, 'pom.xml'))) {
    throw new InputError(
      'working-directory',
      `no pom.xml in ${workingDirectory}; expected the directory of the root pom.xml`,
    );
  }
  const goals = reader.getString('goals', { default: 'verify' }).split(/\s+/).filter(Boolean);
  const badGoal = goals.find((g) => !GOAL.test(g));
  if (goals.length === 0 || badGoal !== undefined) {
    throw new InputError('goals', `got "${badGoal ?? ''}"; expected Maven phases or plugin:goal names`);
  }
  let args: string[];
  try {
    args = splitArguments(reader.getString('arguments'));
  } catch (error: unknown) {
    throw new InputError('arguments', `${error instanceof Error ? error.message : String(error)}`);
  }
  const settings = reader.getPath('settings-file', { mustExist: 'file', workspace });
  const module = reader.getOptionalString('module');
  const artifactPattern = reader.getOptionalString('artifact-pattern');
  if (module && artifactPattern)
    throw new InputError('artifact-pattern', "is given together with 'module'; give one of them");
  const useCache = reader.getBoolean('cache', { default: true });
  const cachePath = reader.getString('cache-path', { default: '~/.m2/repository' }).replace(/^~(?=\/|$)/, homedir());
  const cacheDir =
    reader.getOptionalString('cache-dir') ??
    join(env.RUNNER_TOOL_CACHE ?? env.RUNNER_TEMP ?? join(homedir(), '.cache'), 'bakeline-maven-cache');
  const useWrapper = reader.getBoolean('use-wrapper', { default: true });
  const epochText = reader.getString('source-date-epoch');
  let sourceDateEpoch: number | undefined;
  if (epochText !== '') {
    if (!/^\d{1,12}$/.test(epochText))
      throw new InputError('source-date-epoch', `got "${epochText}"; expected seconds since the epoch`);
    sourceDateEpoch = Number(epochText);
  } else {
    sourceDateEpoch =
      (await commitTime(workspace, env.GITHUB_SHA, run)) ??
      (env.SOURCE_DATE_EPOCH ? Number(env.SOURCE_DATE_EPOCH) : undefined);
    if (sourceDateEpoch === undefined || !Number.isInteger(sourceDateEpoch)) {
      throw new InputError(
        'source-date-epoch',
        'is not given and the commit time of GITHUB_SHA could not be read (no git checkout?); give seconds since the epoch',
      );
    }
  }
  return {
    workingDirectory,
    goals,
    arguments: args,
    settingsFile: settings || undefined,
    module,
    artifactPattern,
    cache: useCache ? { path: resolve(cachePath), dir: resolve(cacheDir) } : undefined,
    useWrapper,
    sourceDateEpoch,
  };
}
