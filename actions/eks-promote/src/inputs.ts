// Typed inputs of eks-promote, all validated before anything talks to a cluster.
import { type InputReader, maskSecret, inputs as runnerInputs } from '@bakeline/action-io';
import {
  DEFAULT_AUDIENCE,
  isAwsRegion,
  isOidcAudience,
  parseRoleArn,
  ROLE_ARN_FORM,
  rolePartitionMismatch,
} from '@bakeline/aws';
import { parseReference } from '@bakeline/oci';
import { errorMessage, InputError } from '@bakeline/toolkit';
import { type AttestationInputs, readAttestationInputs } from './attestation-inputs.ts';
import { type ManifestInputs, readManifestInputs } from './manifest-inputs.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const SELECTOR = /^[A-Za-z0-9./_-]+(=|==|!=)[A-Za-z0-9._-]*(,[A-Za-z0-9./_-]+(=|==|!=)[A-Za-z0-9._-]*)*$/;

export type ClusterInput =
  | { kind: 'eks'; clusterName: string; roleToAssume?: string /** default: the `region` input */; region?: string }
  | { kind: 'kubeconfig'; path: string };

export interface Inputs {
  target: ClusterInput;
  region: string | undefined;
  roleSessionName: string;
  audience: string;
  namespace: string;
  workloads: { names: string[] } | { selector: string };
  container: string | undefined;
  source:
    | { kind: 'image'; image: string; allowTag: boolean }
    | { kind: 'environment'; environment: string; cluster: ClusterInput; namespace: string };
  /** `manifests`, `kustomize` and `manifests-from` (manifest-inputs.ts) */
  manifests: ManifestInputs;
  timeoutMs: number;
  stuckGraceMs: number;
  rollbackOnFailure: boolean;
  environment: string;
  eksEndpoint: string | undefined;
  stsEndpoint: string | undefined;
  ecrEndpoint: string | undefined;
  /** `github-deployment: true`: the token for GitHub's deployments API (masked) and the environment's URL */
  githubDeployment: { token: string; environmentUrl: string | undefined } | undefined;
  /** `job-check-run-id` (`${{ job.check_run_id }}`): the GitHub deployment's log_url names the job */
  jobCheckRunId: string | undefined;
  /** `verify-attestations`, `attestation-policy`, `trusted-root` */
  attestations: AttestationInputs;
}

/**
 * The `image` input through the oci reference parser: `repository@sha256:<64 hex>` (a tag before
 * the digest is allowed), or `repository:tag` with allow-tag. The registry host is lower-cased
 * (host names are case-insensitive); the rest is kept as written.
 */
export function imageInput(image: string, allowTag: boolean): string {
  let reference: ReturnType<typeof parseReference>;
  try {
    reference = parseReference(image);
  } catch (error: unknown) {
    throw new InputError(
      'image',
      `got ${JSON.stringify(image)}; expected repository@sha256:<64 hex> (${errorMessage(error).replace(/^image reference '.*?': /s, '')})`,
    );
  }
  if (!reference.digest && !allowTag) {
    throw new InputError(
      'image',
      `got ${JSON.stringify(image)}, a tag; expected repository@sha256:<64 hex> (or set allow-tag: true to resolve the tag to its digest)`,
    );
  }
  const slash = image.indexOf('/');
  const host = slash < 0 ? '' : image.slice(0, slash);
  return host !== '' && host.toLowerCase() === reference.registry.toLowerCase()
    ? `${host.toLowerCase()}${image.slice(slash)}`
    : image;
}

/** A role ARN input, checked against the partition of the region it is assumed in (when known). */
function roleInput(reader: InputReader, name: string, region: string | undefined): string | undefined {
  const role = reader.getOptionalString(name);
  if (role === undefined) return undefined;
  const parsed = parseRoleArn(role);
  if (!parsed) throw new InputError(name, `got ${JSON.stringify(role)}; expected an IAM role ARN ${ROLE_ARN_FORM}`);
  const mismatch = region === undefined ? undefined : rolePartitionMismatch(parsed, region);
  if (mismatch) throw new InputError(name, `got ${JSON.stringify(role)}; ${mismatch}`);
  return role;
}

function cluster(
  reader: InputReader,
  names: { cluster: string; role: string; kubeconfig: string },
  region: string | undefined,
  fallback?: ClusterInput,
): ClusterInput {
  const clusterName = reader.getOptionalString(names.cluster);
  const kubeconfig = reader.getPath(names.kubeconfig, { mustExist: 'file', allowOutsideWorkspace: true });
  const role = roleInput(reader, names.role, region);
  if (clusterName && kubeconfig) {
    throw new InputError(names.kubeconfig, `is given together with '${names.cluster}'; give one of them`);
  }
  if (kubeconfig) return { kind: 'kubeconfig', path: kubeconfig };
  if (clusterName) {
    if (!/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(clusterName)) {
      throw new InputError(
        names.cluster,
        `got "${clusterName}"; expected an EKS cluster name (letters, digits, - and _, up to 100)`,
      );
    }
    return role ? { kind: 'eks', clusterName, roleToAssume: role } : { kind: 'eks', clusterName };
  }
  if (fallback)
    return role && fallback.kind === 'eks'
      ? { kind: 'eks', clusterName: fallback.clusterName, roleToAssume: role }
      : fallback;
  throw new InputError(names.cluster, `is required (or '${names.kubeconfig}')`);
}

/**
 * The source environment's region (`source-region`, the target environment's
 * BAKELINE_SOURCE_REGION in the promote workflow), when it differs from the target's.
 */
function sourceRegion(reader: InputReader): string | undefined {
  const value = reader.getOptionalString('source-region');
  if (value !== undefined && !isAwsRegion(value)) {
    throw new InputError('source-region', `got ${JSON.stringify(value)}; expected an AWS region such as eu-west-1`);
  }
  return value;
}

function audience(reader: InputReader): string {
  const value = reader.getString('audience', { default: DEFAULT_AUDIENCE });
  if (!isOidcAudience(value)) {
    throw new InputError(
      'audience',
      `got ${JSON.stringify(value)}; expected a client ID of the IAM OIDC provider (one word, no spaces or control characters, at most 255), e.g. ${DEFAULT_AUDIENCE}`,
    );
  }
  return value;
}

/** The region (input, then AWS_REGION, AWS_DEFAULT_REGION), checked before any call. */
function region(reader: InputReader): string | undefined {
  const given = reader.getOptionalString('region');
  const value = given ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (value !== undefined && !isAwsRegion(value)) {
    const from = given !== undefined ? '' : ' (from AWS_REGION / AWS_DEFAULT_REGION)';
    throw new InputError('region', `got ${JSON.stringify(value)}${from}; expected an AWS region such as eu-west-1`);
  }
  return value;
}

function githubDeployment(reader: InputReader): Inputs['githubDeployment'] {
  const enabled = reader.getBoolean('github-deployment', { default: false });
  const environmentUrl = reader.getOptionalString('environment-url');
  if (environmentUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(environmentUrl)) {
    throw new InputError('environment-url', `got "${environmentUrl}"; expected an http(s) URL`);
  }
  if (!enabled) return undefined;
  const token = reader.getOptionalString('github-token');
  if (token === undefined) {
    throw new InputError('github-token', 'is empty; github-deployment: true needs a token that may write deployments');
  }
  maskSecret(token);
  if (/\s/.test(token)) throw new InputError('github-token', 'contains white space; expected a GitHub token');
  return { token, environmentUrl };
}

function jobCheckRunId(reader: InputReader): string | undefined {
  const value = reader.getOptionalString('job-check-run-id');
  if (value !== undefined && !/^[1-9][0-9]{0,19}$/.test(value)) {
    throw new InputError(
      'job-check-run-id',
      `got "${value}"; expected the job's numeric check run id (\${{ job.check_run_id }})`,
    );
  }
  return value;
}

export function readInputs(
  reader: InputReader = runnerInputs,
  env: Record<string, string | undefined> = process.env,
): Inputs {
  const targetRegion = region(reader);
  const target = cluster(
    reader,
    { cluster: 'cluster-name', role: 'role-to-assume', kubeconfig: 'kubeconfig' },
    targetRegion,
  );
  const namespace = reader.getString('namespace', { required: true });
  if (!DNS_LABEL.test(namespace)) throw new InputError('namespace', `got "${namespace}"; expected a DNS-1123 label`);
  const workload = reader.getString('workload', { required: true });
  let workloads: Inputs['workloads'];
  if (/[=!]/.test(workload)) {
    if (!SELECTOR.test(workload))
      throw new InputError('workload', `got "${workload}"; expected a label selector such as app=licensing-service`);
    workloads = { selector: workload };
  } else {
    const names = reader.getList('workload');
    const bad = names.find((n) => !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(n));
    if (bad !== undefined) throw new InputError('workload', `"${bad}" is not a Deployment name (DNS-1123 subdomain)`);
    workloads = { names };
  }
  const image = reader.getOptionalString('image');
  const allowTag = reader.getBoolean('allow-tag', { default: false });
  const fromEnvironment = reader.getOptionalString('from-environment');
  let source: Inputs['source'];
  if (image && fromEnvironment)
    throw new InputError('from-environment', "is given together with 'image'; give one of them");
  if (image) {
    source = { kind: 'image', image: imageInput(image, allowTag), allowTag };
  } else if (fromEnvironment) {
    const sourceNamespace = reader.getString('source-namespace', { default: fromEnvironment });
    if (!DNS_LABEL.test(sourceNamespace))
      throw new InputError('source-namespace', `got "${sourceNamespace}"; expected a DNS-1123 label`);
    const fromRegion = sourceRegion(reader);
    const sourceCluster = cluster(
      reader,
      { cluster: 'source-cluster-name', role: 'source-role-to-assume', kubeconfig: 'source-kubeconfig' },
      fromRegion ?? targetRegion,
      target.kind === 'eks' ? { kind: 'eks', clusterName: target.clusterName } : target,
    );
    source = {
      kind: 'environment',
      environment: fromEnvironment,
      cluster:
        sourceCluster.kind === 'eks' && fromRegion !== undefined
          ? { ...sourceCluster, region: fromRegion }
          : sourceCluster,
      namespace: sourceNamespace,
    };
  } else {
    throw new InputError('image', "is required (repository@sha256:<64 hex>), or give 'from-environment'");
  }
  const container = reader.getOptionalString('container');
  if (container !== undefined && !DNS_LABEL.test(container))
    throw new InputError('container', `got "${container}"; expected a container name`);
  const manifests = readManifestInputs(reader, reader.getString('environment', { default: namespace }));
  return {
    target,
    region: targetRegion,
    roleSessionName: reader.getString('role-session-name', { default: 'bakeline-eks-promote' }),
    audience: audience(reader),
    namespace,
    workloads,
    container,
    source,
    manifests,
    timeoutMs: reader.getDuration('timeout', { default: 600_000, min: 1000, max: 6 * 3_600_000 }),
    stuckGraceMs: reader.getDuration('stuck-grace', { default: 45_000, min: 0, max: 3_600_000 }),
    rollbackOnFailure: reader.getBoolean('rollback-on-failure', { default: true }),
    environment: reader.getString('environment', { default: namespace }),
    eksEndpoint: reader.getEndpoint('eks-endpoint'),
    stsEndpoint: reader.getEndpoint('sts-endpoint'),
    ecrEndpoint: reader.getEndpoint('ecr-endpoint'),
    githubDeployment: githubDeployment(reader),
    jobCheckRunId: jobCheckRunId(reader),
    attestations: readAttestationInputs(reader, env),
  };
}
