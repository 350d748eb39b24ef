import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Digest, parseDigest } from '@bakeline/oci';
import { type ImageSource, loadSpec, type Spec, SpecError } from '@bakeline/platform';
import { InputError, type InputReader, inputs as runnerInputs } from '@bakeline/toolkit';

export interface Inputs {
  source: ImageSource | undefined;
  digest: Digest | undefined;
  baseUrl: string | undefined;
  spec: Spec;
  env: Record<string, string>;
  secretEnv: Record<string, string>;
  startupTimeoutMs: number;
  keepOnFailure: boolean;
  junitPath: string;
}

function keyValues(text: string, input: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(line.slice(0, eq))) {
      throw new InputError(input, `line ${i + 1} is not KEY=VALUE`);
    }
    values[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return values;
}

export function readInputs(reader: InputReader = runnerInputs, env = process.env): Inputs {
  const layout = reader.getPath('layout', { mustExist: 'dir', allowOutsideWorkspace: true });
  const archive = reader.getPath('archive', { mustExist: 'file', allowOutsideWorkspace: true });
  const image = reader.getOptionalString('image');
  const baseUrl = reader.getOptionalString('base-url');
  const given = [layout && 'layout', archive && 'archive', image && 'image', baseUrl && 'base-url'].filter(Boolean);
  if (given.length !== 1) {
    throw new InputError(
      given[1] ?? 'layout',
      `give exactly one of layout, archive, image or base-url (got ${given.join(', ') || 'none'})`,
    );
  }
  if (baseUrl && !/^https?:\/\/[^\s/]+/.test(baseUrl))
    throw new InputError('base-url', `got "${baseUrl}"; expected http(s)://host[:port]`);
  if (image && !/^[a-z0-9.:_/-]+@sha256:[a-f0-9]{64}$/.test(image)) {
    throw new InputError('image', `got "${image}"; expected repository@sha256:<64 hex> (a tag is never tested)`);
  }
  const digestText = reader.getOptionalString('digest');
  let digest: Digest | undefined;
  if (digestText !== undefined) {
    try {
      digest = parseDigest(digestText);
    } catch {
      throw new InputError('digest', `got "${digestText}"; expected sha256:<64 lowercase hex>`);
    }
  } else if (layout || archive) {
    throw new InputError(
      'digest',
      `is required with '${layout ? 'layout' : 'archive'}': the image is tested only if it is exactly this one`,
    );
  }
  const specPath = reader.getPath('spec', { required: true, mustExist: 'file' });
  let spec: Spec;
  try {
    spec = loadSpec(specPath);
  } catch (error: unknown) {
    if (error instanceof SpecError) throw new InputError('spec', error.message);
    throw error;
  }
  const envFile = reader.getPath('env-file', { mustExist: 'file' });
  const runtimeEnv = {
    ...(envFile ? keyValues(readFileSync(envFile, 'utf8'), 'env-file') : {}),
    ...keyValues(reader.getString('env'), 'env'),
  };
  const secretEnv = keyValues(reader.getString('secret-env'), 'secret-env');
  const source: ImageSource | undefined = layout
    ? { kind: 'layout', path: layout }
    : archive
      ? { kind: 'archive', path: archive }
      : image
        ? { kind: 'image', reference: image }
        : undefined;
  return {
    source,
    digest,
    baseUrl,
    spec,
    env: runtimeEnv,
    secretEnv,
    startupTimeoutMs: reader.getDuration('startup-timeout', { default: 60_000, min: 1000, max: 3_600_000 }),
    keepOnFailure: reader.getBoolean('keep-on-failure', { default: false }),
    junitPath:
      reader.getOptionalString('junit-path') ??
      join(env.RUNNER_TEMP ?? '/tmp', `platform-test-${env.GITHUB_RUN_ID ?? 'local'}-junit.xml`),
  };
}
