// The inputs of platform-test, read and validated before anything runs: each error names the
// input, the value and what was expected.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type InputReader, maskSecret, inputs as runnerInputs } from '@bakeline/action-io';
import { type Digest, parseDigest, parseReference } from '@bakeline/oci';
import {
  loadSpec,
  type PlatformTarget,
  type PlatformTestOptions,
  parseEnvFile,
  type Spec,
  SpecError,
} from '@bakeline/platform';
import { InputError } from '@bakeline/toolkit';
import { readJunitPath } from './junit-path.ts';
import { readSecretEnv } from './secret-env.ts';

/** What the step's inputs decide of a platform test (the run id, work dir and logger come from the runner). */
export type Inputs = Pick<
  PlatformTestOptions,
  'target' | 'spec' | 'env' | 'secretEnv' | 'startupTimeoutMs' | 'keepOnFailure' | 'junitPath'
> & {
  /** The spec file, as given (the test-result attestation names it and its sha256). */
  specPath: string;
};

function digestInput(reader: InputReader): Digest | undefined {
  const text = reader.getOptionalString('digest');
  if (text === undefined) return undefined;
  try {
    return parseDigest(text);
  } catch (error: unknown) {
    throw new InputError('digest', `got "${text}"; expected sha256:<64 lowercase hex>`, { cause: error });
  }
}

function targetInput(reader: InputReader): PlatformTarget {
  const layout = reader.getPath('layout', { mustExist: 'dir', allowOutsideWorkspace: true });
  const archive = reader.getPath('archive', { mustExist: 'file', allowOutsideWorkspace: true });
  const image = reader.getOptionalString('image');
  const baseUrl = reader.getOptionalString('base-url');
  const given = Object.entries({ layout, archive, image, 'base-url': baseUrl }).filter(([, v]) => v);
  if (given.length !== 1) {
    throw new InputError(
      given[1]?.[0] ?? 'layout',
      `give exactly one of layout, archive, image or base-url (got ${given.map(([k]) => k).join(', ') || 'none'})`,
    );
  }
  const digest = digestInput(reader);
  if (baseUrl) {
    if (!/^https?:\/\/[^\s/?#]+(\/\S*)?$/.test(baseUrl)) {
      throw new InputError('base-url', `got "${baseUrl}"; expected http(s)://host[:port][/path]`);
    }
    return { kind: 'url', baseUrl };
  }
  if (image) {
    let pinned: string | undefined;
    try {
      pinned = parseReference(image).digest;
    } catch (error: unknown) {
      throw new InputError('image', `got ${JSON.stringify(image)}; ${(error as Error).message}`, { cause: error });
    }
    if (!pinned)
      throw new InputError(
        'image',
        `got ${JSON.stringify(image)}; expected repository@sha256:<64 hex> (a tag is never tested)`,
      );
    return { kind: 'image', source: { kind: 'image', reference: image }, ...(digest ? { digest } : {}) };
  }
  const kind = layout ? 'layout' : 'archive';
  if (!digest) {
    throw new InputError('digest', `is required with '${kind}': the image is tested only if it is exactly this one`);
  }
  return { kind: 'image', source: { kind, path: layout || archive }, digest };
}

export function readInputs(
  reader: InputReader = runnerInputs,
  env = process.env,
  mask: (value: string) => void = maskSecret,
): Inputs {
  // first: masked before any other input is read or any error can print a value
  const secretEnv = readSecretEnv(reader, mask);
  const target = targetInput(reader);
  const specPath = reader.getPath('spec', { required: true, mustExist: 'file' });
  let spec: Spec;
  try {
    spec = loadSpec(specPath);
  } catch (error: unknown) {
    if (error instanceof SpecError) throw new InputError('spec', error.message, { cause: error });
    throw error;
  }
  const envFile = reader.getPath('env-file', { mustExist: 'file' });
  let fileEnv: Record<string, string> = {};
  try {
    fileEnv = envFile ? parseEnvFile(readFileSync(envFile, 'utf8'), envFile) : {};
  } catch (error: unknown) {
    throw new InputError('env-file', (error as Error).message, { cause: error });
  }
  return {
    target,
    spec,
    specPath,
    env: { ...fileEnv, ...reader.getKeyValues('env') },
    secretEnv,
    startupTimeoutMs: reader.getDuration('startup-timeout', { default: 60_000, min: 1000, max: 3_600_000 }),
    keepOnFailure: reader.getBoolean('keep-on-failure', { default: false }),
    junitPath:
      readJunitPath(reader, env.GITHUB_WORKSPACE ?? process.cwd()) ??
      join(env.RUNNER_TEMP ?? '/tmp', `platform-test-${env.GITHUB_RUN_ID ?? 'local'}-${process.pid}-junit.xml`),
  };
}
