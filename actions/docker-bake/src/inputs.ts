// Typed inputs of docker-bake, every one validated before anything is built. A bad one fails with
// one line naming the input, the value and what was expected.
import { existsSync, globSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { type InputReader, maskSecret, inputs as runnerInputs } from '@bakeline/action-io';
import {
  type BaseImageSource,
  checkEnvName,
  checkUser,
  checkUserTag,
  commitTime,
  DEFAULT_USER,
  dockerConfigPath,
  imageTags,
  normalizePort,
  ociAnnotations,
  parseBaseImageSource,
  parseEntrypoint,
  parseImageName,
} from '@bakeline/bake';
import type { RegistryCredentials } from '@bakeline/oci';
import { InputError } from '@bakeline/toolkit';

export interface JarInputs {
  entrypoint?: string[];
  javaOptions?: string;
  user: string;
  allowRoot: boolean;
  ports: string[];
  env: Record<string, string>;
}

export interface Inputs {
  builder: 'jar' | 'dockerfile';
  context: string;
  dockerfile: string;
  buildArgs: Record<string, string>;
  noCache: boolean;
  jarPath?: string;
  base?: BaseImageSource;
  baseCredentials?: RegistryCredentials;
  imageName: string;
  tags: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  sourceDateEpoch: number;
  jar: JarInputs;
  outputDir: string;
  pullCacheDir: string;
  layerCacheDir: string;
  /** Keeps the SBOM's findings of each layer by layer digest. */
  sbomCacheDir: string;
  dockerConfigPath: string;
  workspace: string;
}

const JAR_ONLY = ['entrypoint', 'java-options', 'user', 'allow-root', 'ports', 'env'] as const;

function named<T>(input: string, check: () => T): T {
  try {
    return check();
  } catch (error: unknown) {
    if (error instanceof InputError) throw error;
    throw new InputError(input, (error as Error).message, { cause: error });
  }
}

function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The file itself, symlinks resolved; refused unless it lies inside the workspace (itself resolved). */
function insideWorkspace(file: string, pattern: string, workspace: string): string {
  const real = realpathSync(file);
  const root = existsSync(workspace) ? realpathSync(workspace) : workspace;
  if (!isInside(root, real)) {
    const via = real === file ? '' : ` (resolves to ${real})`;
    throw new InputError('jar', `got "${pattern}"${via}; expected a path inside the workspace ${root}`);
  }
  return real;
}

/** A path or a glob, relative to the workspace, that must match exactly one file inside it. */
function findJar(pattern: string, workspace: string): string {
  const absolute = resolve(workspace, pattern);
  if (!isInside(resolve(workspace), absolute))
    throw new InputError('jar', `got "${pattern}"; expected a path inside the workspace ${resolve(workspace)}`);
  if (!/[*?[{]/.test(pattern)) {
    if (!existsSync(absolute) || !statSync(absolute).isFile())
      throw new InputError('jar', `got "${pattern}"; expected an existing file, found none at ${absolute}`);
    return insideWorkspace(absolute, pattern, workspace);
  }
  const matches = globSync(pattern, { cwd: workspace })
    .map((m) => resolve(workspace, m))
    .filter((m) => statSync(m).isFile())
    .sort();
  if (matches.length !== 1) {
    const found =
      matches.length === 0
        ? 'no file'
        : `${matches.length} files (${matches.map((m) => relative(workspace, m)).join(', ')})`;
    throw new InputError('jar', `got "${pattern}"; expected exactly one matching file, found ${found}`);
  }
  return insideWorkspace(matches[0] as string, pattern, workspace);
}

const EPOCH = /^(0|[1-9][0-9]{0,11})$/;
const MAX_EPOCH = 253402300799;

/** The input, else the SOURCE_DATE_EPOCH variable (as maven-build reads it), else the commit time of GITHUB_SHA. */
async function sourceDateEpochOf(
  reader: InputReader,
  env: Record<string, string | undefined>,
  sha: string,
  workspace: string,
): Promise<number> {
  if (reader.getString('source-date-epoch') !== '') {
    return reader.getInteger('source-date-epoch', { min: 0, max: MAX_EPOCH });
  }
  const fromEnv = env.SOURCE_DATE_EPOCH?.trim();
  if (fromEnv) {
    if (!EPOCH.test(fromEnv) || Number(fromEnv) > MAX_EPOCH) {
      throw new InputError(
        'source-date-epoch',
        `is not given and SOURCE_DATE_EPOCH is "${fromEnv}"; expected whole seconds since 1970 (0 to ${MAX_EPOCH})`,
      );
    }
    return Number(fromEnv);
  }
  return commitTime(sha, workspace).catch((error: unknown) => {
    throw new InputError('source-date-epoch', `is not given, nor SOURCE_DATE_EPOCH, and ${(error as Error).message}`, {
      cause: error,
    });
  });
}

export async function readInputs(
  reader: InputReader = runnerInputs,
  env: Record<string, string | undefined> = process.env,
): Promise<Inputs> {
  const workspace = resolve(env.GITHUB_WORKSPACE ?? process.cwd());
  const sha = env.GITHUB_SHA ?? '';
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new Error(`GITHUB_SHA: got "${sha}"; expected the 40-hex commit being built`);

  const requested = reader.getEnum('builder', ['auto', 'dockerfile', 'jar'] as const, { default: 'auto' });
  const context = reader.getPath('context', { default: '.', mustExist: 'dir', workspace });
  const dockerfile = reader.getPath('dockerfile', {
    default: join(relative(workspace, context) || '.', 'Dockerfile'),
    workspace,
  });
  if (!isInside(context, dockerfile)) {
    throw new InputError(
      'dockerfile',
      `got "${reader.getString('dockerfile')}"; expected a file inside the context ${context}`,
    );
  }
  const jarPattern = reader.getOptionalString('jar');
  const builder = requested !== 'auto' ? requested : jarPattern && !existsSync(dockerfile) ? 'jar' : 'dockerfile';
  if (builder === 'dockerfile' && !existsSync(dockerfile)) {
    throw new InputError(
      'dockerfile',
      `no Dockerfile at ${dockerfile} (builder: ${builder}${jarPattern ? '' : '; give jar for the jar builder'})`,
    );
  }
  if (builder === 'jar' && !jarPattern)
    throw new InputError('jar', 'is required with the jar builder (path or glob of the JAR)');
  const jarPath = jarPattern && builder === 'jar' ? findJar(jarPattern, workspace) : undefined;
  if (builder === 'dockerfile') {
    const given = JAR_ONLY.find((name) => reader.getString(name) !== '');
    if (given)
      throw new InputError(given, `applies to the jar builder only; with builder 'dockerfile' the Dockerfile sets it`);
  }

  const baseValue = reader.getOptionalString('base-image');
  if (builder === 'jar' && !baseValue) {
    throw new InputError(
      'base-image',
      'is required with the jar builder (registry reference pinned by digest, or an OCI layout path)',
    );
  }
  const base = baseValue
    ? named('base-image', () => {
        if (/@/.test(baseValue) && !/@sha256:[0-9a-f]{64}$/.test(baseValue)) {
          throw new Error(`got "${baseValue}"; a digest must be sha256: followed by 64 lowercase hex characters`);
        }
        const layoutCandidate = baseValue.startsWith('oci:') ? baseValue : resolve(workspace, baseValue);
        const source = parseBaseImageSource(
          existsSync(join(layoutCandidate.replace(/@sha256:.*$/, ''), 'oci-layout')) ? layoutCandidate : baseValue,
          (p) => existsSync(p),
        );
        if (source.kind === 'layout' && !existsSync(join(source.dir, 'oci-layout'))) {
          throw new Error(`got "${baseValue}"; ${source.dir} is not an OCI layout (no oci-layout file)`);
        }
        return source;
      })
    : undefined;
  const username = reader.getOptionalString('base-image-username');
  const password = reader.getOptionalString('base-image-password');
  if (password) maskSecret(password);
  if ((username === undefined) !== (password === undefined)) {
    throw new InputError(
      username ? 'base-image-password' : 'base-image-username',
      'is required when the other one is given',
    );
  }

  const imageName = reader.getString('image-name', { required: true });
  named('image-name', () => parseImageName(imageName));
  const userTags = reader.getList('tags');
  for (const tag of userTags) named('tags', () => checkUserTag(tag));
  const tags = imageTags(userTags, sha, env.GITHUB_REF);

  const labels = reader.getKeyValues('labels');
  const buildArgs = reader.getKeyValues('build-args');
  if (base && Object.hasOwn(buildArgs, 'BASE_IMAGE')) {
    throw new InputError('build-args', 'sets BASE_IMAGE, which base-image also sets; give it in one place');
  }
  const noCache = reader.getBoolean('no-cache', { default: false });
  const sourceDateEpoch = await sourceDateEpochOf(reader, env, sha, workspace);

  const entrypointText = reader.getOptionalString('entrypoint');
  const javaOptions = reader.getOptionalString('java-options');
  const allowRoot = reader.getBoolean('allow-root', { default: false });
  const user = reader.getString('user', { default: DEFAULT_USER });
  named('user', () => checkUser(user, allowRoot));
  const ports = reader.getList('ports').map((p) => named('ports', () => normalizePort(p)));
  const envDefaults = reader.getKeyValues('env');
  for (const name of Object.keys(envDefaults)) named('env', () => checkEnvName(name));
  if (javaOptions !== undefined && Object.hasOwn(envDefaults, 'JAVA_OPTS')) {
    throw new InputError('env', 'sets JAVA_OPTS, which java-options also sets; give it in one place');
  }

  const runnerTemp = env.RUNNER_TEMP ?? join(workspace, '..', '_temp');
  const outputDir = reader.getPath('output-dir', {
    default: join(runnerTemp, 'bakeline-docker-bake'),
    workspace,
    allowOutsideWorkspace: true,
  });
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const annotations = ociAnnotations(
    {
      sha,
      ...(env.GITHUB_REF ? { ref: env.GITHUB_REF } : {}),
      ...(env.GITHUB_REPOSITORY ? { sourceUrl: `${server}/${env.GITHUB_REPOSITORY}` } : {}),
    },
    { imageName, sourceDateEpoch },
  );

  return {
    builder,
    context,
    dockerfile,
    buildArgs,
    noCache,
    ...(jarPath ? { jarPath } : {}),
    ...(base ? { base } : {}),
    ...(username && password ? { baseCredentials: { username, password } } : {}),
    imageName,
    tags,
    labels,
    annotations,
    sourceDateEpoch,
    jar: {
      ...(entrypointText ? { entrypoint: named('entrypoint', () => parseEntrypoint(entrypointText)) } : {}),
      ...(javaOptions !== undefined ? { javaOptions } : {}),
      user,
      allowRoot,
      ports,
      env: envDefaults,
    },
    outputDir,
    pullCacheDir: join(env.RUNNER_TOOL_CACHE ?? runnerTemp, 'bakeline-base-images'),
    layerCacheDir: join(env.RUNNER_TOOL_CACHE ?? runnerTemp, 'bakeline-layer-cache'),
    sbomCacheDir: join(env.RUNNER_TOOL_CACHE ?? runnerTemp, 'bakeline-sbom-cache'),
    dockerConfigPath: dockerConfigPath(env),
    workspace,
  };
}
