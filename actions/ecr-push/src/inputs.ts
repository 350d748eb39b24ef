import { readFileSync } from 'node:fs';
import { type Digest, parseDigest, validateRepository, validateTag } from '@bakeline/oci';
import { InputError, type InputReader, inputs as runnerInputs } from '@bakeline/toolkit';

export const SEVERITY_INPUT = ['none', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

export interface Inputs {
  layout: string | undefined;
  archive: string | undefined;
  digest: Digest;
  repository: string;
  tags: string[];
  region: string;
  registryId: string | undefined;
  roleToAssume: string | undefined;
  roleSessionName: string;
  audience: string;
  createRepository: boolean;
  lifecyclePolicy: string | undefined;
  scan: 'none' | 'wait';
  failOnSeverity: (typeof SEVERITY_INPUT)[number];
  scanTimeoutMs: number;
  concurrency: number;
  ecrEndpoint: string | undefined;
  stsEndpoint: string | undefined;
}

function url(reader: InputReader, name: string): string | undefined {
  const value = reader.getOptionalString(name);
  if (value !== undefined && !/^https?:\/\/[^\s/]+\/?$/.test(value))
    throw new InputError(name, `got "${value}"; expected http(s)://host[:port]`);
  return value;
}

export function readInputs(reader: InputReader = runnerInputs, env = process.env): Inputs {
  const layout = reader.getPath('layout', { mustExist: 'dir', allowOutsideWorkspace: true });
  const archive = reader.getPath('archive', { mustExist: 'file', allowOutsideWorkspace: true });
  if (Boolean(layout) === Boolean(archive))
    throw new InputError(layout ? 'archive' : 'layout', 'give exactly one of layout or archive');
  const digestText = reader.getString('digest', { required: true });
  let digest: Digest;
  try {
    digest = parseDigest(digestText);
  } catch {
    throw new InputError('digest', `got "${digestText}"; expected sha256:<64 lowercase hex>`);
  }
  const repository = reader.getString('repository', { required: true });
  try {
    validateRepository(repository);
  } catch (error: unknown) {
    throw new InputError(
      'repository',
      `got "${repository}"; expected lowercase path components ([a-z0-9]+ separated by . _ - and /)`,
      { cause: error },
    );
  }
  const tags = reader.getList('tags');
  for (const tag of tags) {
    try {
      validateTag(tag);
    } catch (error: unknown) {
      throw new InputError('tags', `"${tag}" is not a valid tag; expected [A-Za-z0-9_][A-Za-z0-9._-]{0,127}`, {
        cause: error,
      });
    }
  }
  const region = reader.getOptionalString('region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    throw new InputError('region', `got "${region ?? ''}"; expected an AWS region such as eu-west-1`);
  const registryId = reader.getOptionalString('registry');
  if (registryId !== undefined && !/^\d{12}$/.test(registryId))
    throw new InputError('registry', `got "${registryId}"; expected a 12-digit account ID`);
  const roleToAssume = reader.getOptionalString('role-to-assume');
  if (roleToAssume !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(roleToAssume)) {
    throw new InputError('role-to-assume', `got "${roleToAssume}"; expected arn:aws:iam::<account>:role/<name>`);
  }
  const lifecyclePath = reader.getPath('lifecycle-policy', { mustExist: 'file' });
  let lifecyclePolicy: string | undefined;
  if (lifecyclePath) {
    lifecyclePolicy = readFileSync(lifecyclePath, 'utf8');
    try {
      JSON.parse(lifecyclePolicy);
    } catch {
      throw new InputError('lifecycle-policy', `${lifecyclePath} is not JSON`);
    }
  }
  return {
    layout: layout || undefined,
    archive: archive || undefined,
    digest,
    repository,
    tags,
    region,
    registryId,
    roleToAssume,
    roleSessionName: reader.getString('role-session-name', { default: 'bakeline-ecr-push' }),
    audience: reader.getString('audience', { default: 'sts.amazonaws.com' }),
    createRepository: reader.getBoolean('create-repository', { default: true }),
    lifecyclePolicy,
    scan: reader.getEnum('scan', ['none', 'wait'], { default: 'none' }),
    failOnSeverity: reader.getEnum('fail-on-severity', SEVERITY_INPUT, { default: 'none' }),
    scanTimeoutMs: reader.getDuration('scan-timeout', { default: 600_000, min: 1000, max: 3_600_000 }),
    concurrency: reader.getInteger('concurrency', { min: 1, max: 16, default: 4 }),
    ecrEndpoint: url(reader, 'ecr-endpoint'),
    stsEndpoint: url(reader, 'sts-endpoint'),
  };
}
