// The STS host names an EKS token's presigned URL may name, as aws-iam-authenticator checks them
// (kubernetes-sigs/aws-iam-authenticator pkg/token/token.go verifySTSHostnameFormat, and
// pkg/endpoints/partitions.go for the partitions' domains):
// - `sts.amazonaws.com` (the global endpoint) only in the `aws` partition;
// - otherwise the region is the host's second label and must look like a region;
// - the host must be one the SDK's STS endpoint resolution gives for that region (regular, FIPS,
//   dual-stack, FIPS dual-stack), or `sts.<cluster region>.<partition domain>` (or its dual-stack
//   form) for regions the SDK does not know yet;
// - and its domain must be the verifier's partition's.
import { STSClient } from '@aws-sdk/client-sts';

/** aws-iam-authenticator's FormatError text (without its "input token was not properly formatted: "). */
export class StsHostRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StsHostRejected';
  }
}

const PARTITION_DOMAINS: Readonly<Record<string, string>> = {
  aws: 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-us-gov': 'amazonaws.com',
  'aws-iso': 'c2s.ic.gov',
  'aws-iso-b': 'sc2s.sgov.gov',
  'aws-iso-e': 'cloud.adc-e.uk',
  'aws-iso-f': 'csp.hci.ic.gov',
  'aws-eusc': 'amazonaws.eu',
};
const DUAL_STACK_DOMAINS: Readonly<Record<string, string>> = {
  aws: 'api.aws',
  'aws-us-gov': 'api.aws',
  'aws-cn': 'api.amazonwebservices.com.cn',
  'aws-eusc': 'api.amazonwebservices.eu',
};

const REGION = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/;

let resolver: STSClient['config']['endpointProvider'] | undefined;

function stsResolver(): STSClient['config']['endpointProvider'] {
  if (!resolver) {
    const client = new STSClient({ region: 'us-east-1' });
    resolver = client.config.endpointProvider;
    client.destroy();
  }
  return resolver;
}

function stsRegion(host: string): string {
  if (host === '') throw new Error('host is empty');
  if (host.split('.').length < 3) throw new Error(`invalid host format: ${host}`);
  if (host === 'sts.amazonaws.com') return 'global';
  return host.split('.')[1] ?? '';
}

function resolvedHosts(region: string): string[] {
  const hosts: string[] = [];
  for (const useFips of [true, false]) {
    for (const useDualStack of [true, false]) {
      try {
        const endpoint = stsResolver()({ Region: region, UseFIPS: useFips, UseDualStack: useDualStack });
        hosts.push(endpoint.url.host);
      } catch {
        // an endpoint the rules do not give (as the Go resolver's error): skipped
      }
    }
  }
  return hosts;
}

/** Throws StsHostRejected unless `host` (host[:port] of the URL) is an STS host of `partition`. */
export function verifyStsHost(host: string, partition: string, clusterRegion: string): void {
  let region: string;
  try {
    region = stsRegion(host);
  } catch (error: unknown) {
    throw new StsHostRejected(`could not parse region for pre-signed URL ${host}, ${(error as Error).message}`);
  }
  if (region === 'global') {
    if (partition === 'aws') return;
    throw new StsHostRejected(`global endpoint unsupported in partition ${partition}`);
  }
  if (!REGION.test(region)) throw new StsHostRejected(`invalid region identifier format provided: ${region}`);
  if (!resolvedHosts(region).includes(host)) {
    const domain = PARTITION_DOMAINS[partition];
    const dual = DUAL_STACK_DOMAINS[partition];
    const defaults =
      domain && REGION.test(clusterRegion)
        ? [`sts.${clusterRegion}.${domain}`, ...(dual ? [`sts.${clusterRegion}.${dual}`] : [])]
        : [];
    if (defaults.includes(host)) return;
    throw new StsHostRejected(`unexpected hostname "${host}" in pre-signed URL`);
  }
  const parts = host.split('.');
  if (parts.length < 4) throw new StsHostRejected(`invalid host format, too few labels: ${host}`);
  const actual = parts.slice(2).join('.');
  const expected = PARTITION_DOMAINS[partition];
  if (expected === undefined) throw new StsHostRejected(`partition ${partition} not valid`);
  if (actual !== expected && actual !== DUAL_STACK_DOMAINS[partition]) {
    throw new StsHostRejected(`partition {${partition}} does not support hostname ${host}`);
  }
}
