// The inputs of ecr-push, typed and checked before anything runs: each bad value fails with one
// line naming the input, the value and what was expected.
import { readFileSync } from 'node:fs';
import { type InputReader, inputs as runnerInputs } from '@bakeline/action-io';
import {
  DEFAULT_AUDIENCE,
  isAwsRegion,
  isOidcAudience,
  parseRegistryTarget,
  parseRoleArn,
  type RegistryTarget,
  ROLE_ARN_FORM,
  rolePartitionMismatch,
} from '@bakeline/aws';
import { type Digest, parseDigest, validateRepository, validateTag } from '@bakeline/oci';
import { InputError } from '@bakeline/toolkit';
import { type AttestInputs, readAttestInputs } from './attest-inputs.ts';

export const SEVERITY_INPUT = ['none', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

export interface Inputs {
  layout: string | undefined;
  archive: string | undefined;
  digest: Digest;
  repository: string;
  tags: string[];
  region: string;
  registry: RegistryTarget;
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
  /** `attest: true`: what to sign about the pushed digest; undefined otherwise. */
  attest: AttestInputs | undefined;
}

const show = (value: string) => JSON.stringify(value);

function checked<T>(name: string, value: string, expected: string, parse: () => T, withReason = false): T {
  try {
    return parse();
  } catch (error: unknown) {
    // one line: the reason, when it adds something, goes into the message instead of a cause
    const reason = withReason && error instanceof Error ? ` (${error.message})` : '';
    throw new InputError(name, `got ${show(value)}; expected ${expected}${reason}`);
  }
}

export function readInputs(reader: InputReader = runnerInputs, env: NodeJS.ProcessEnv = process.env): Inputs {
  const layout = reader.getPath('layout', { mustExist: 'dir', allowOutsideWorkspace: true });
  const archive = reader.getPath('archive', { mustExist: 'file', allowOutsideWorkspace: true });
  if (Boolean(layout) === Boolean(archive)) {
    throw new InputError(layout ? 'archive' : 'layout', 'give exactly one of layout or archive');
  }
  const digestText = reader.getString('digest', { required: true });
  const digest = checked('digest', digestText, 'sha256:<64 lowercase hex>', () => parseDigest(digestText));
  const repository = reader.getString('repository', { required: true });
  checked('repository', repository, 'lowercase path components ([a-z0-9] separated by . _ - and /)', () =>
    validateRepository(repository),
  );
  const tags = reader.getList('tags');
  for (const tag of tags) {
    checked('tags', tag, 'tags matching [A-Za-z0-9_][A-Za-z0-9._-]{0,127}', () => validateTag(tag));
  }
  const region = reader.getOptionalString('region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? '';
  if (!isAwsRegion(region)) {
    throw new InputError('region', `got ${show(region)}; expected an AWS region such as eu-west-1 (or set AWS_REGION)`);
  }
  const registryText = reader.getString('registry');
  const registry = checked(
    'registry',
    registryText,
    `a 12-digit account ID or a registry host in ${region}`,
    () => parseRegistryTarget(registryText, region),
    true,
  );
  const roleToAssume = reader.getOptionalString('role-to-assume');
  if (roleToAssume !== undefined) {
    const role = parseRoleArn(roleToAssume);
    if (!role) throw new InputError('role-to-assume', `got ${show(roleToAssume)}; expected ${ROLE_ARN_FORM}`);
    const mismatch = rolePartitionMismatch(role, region);
    if (mismatch) throw new InputError('role-to-assume', `got ${show(roleToAssume)}; ${mismatch}`);
  }
  const roleSessionName = reader.getString('role-session-name', { default: 'bakeline-ecr-push' });
  if (!/^[\w+=,.@-]{2,64}$/.test(roleSessionName)) {
    throw new InputError('role-session-name', `got ${show(roleSessionName)}; expected 2-64 of [A-Za-z0-9_+=,.@-]`);
  }
  const lifecyclePath = reader.getPath('lifecycle-policy', {
    mustExist: 'file',
    ...(env.GITHUB_WORKSPACE ? { workspace: env.GITHUB_WORKSPACE } : {}),
  });
  let lifecyclePolicy: string | undefined;
  if (lifecyclePath) {
    lifecyclePolicy = readFileSync(lifecyclePath, 'utf8');
    const text = lifecyclePolicy;
    checked(
      'lifecycle-policy',
      lifecyclePath,
      'a file holding an ECR lifecycle policy (JSON with "rules")',
      () => {
        const parsed = JSON.parse(text) as { rules?: unknown };
        if (!Array.isArray(parsed.rules)) throw new Error('no "rules" array');
      },
      true,
    );
  }
  const audience = reader.getString('audience', { default: DEFAULT_AUDIENCE });
  if (!isOidcAudience(audience)) {
    throw new InputError(
      'audience',
      `got ${show(audience)}; expected a client ID of the IAM OIDC provider (one word, no spaces or control characters, at most 255), e.g. ${DEFAULT_AUDIENCE}`,
    );
  }
  const scan = reader.getEnum('scan', ['none', 'wait'], { default: 'none' });
  const failOnSeverity = reader.getEnum('fail-on-severity', SEVERITY_INPUT, { default: 'none' });
  if (failOnSeverity !== 'none' && scan !== 'wait') {
    throw new InputError(
      'fail-on-severity',
      `got ${show(failOnSeverity)}; it needs 'scan: wait' (the gate reads the scan)`,
    );
  }
  return {
    layout: layout || undefined,
    archive: archive || undefined,
    digest,
    repository,
    tags,
    region,
    registry,
    roleToAssume,
    roleSessionName,
    audience,
    createRepository: reader.getBoolean('create-repository', { default: true }),
    lifecyclePolicy,
    scan,
    failOnSeverity,
    scanTimeoutMs: reader.getDuration('scan-timeout', { default: 600_000, min: 1000, max: 3_600_000 }),
    concurrency: reader.getInteger('concurrency', { min: 1, max: 16, default: 4 }),
    ecrEndpoint: reader.getEndpoint('ecr-endpoint'),
    stsEndpoint: reader.getEndpoint('sts-endpoint'),
    attest: readAttestInputs(reader, env),
  };
}
