// Which ECR registry to push to: an account ID, an ECR host, or another host that fronts ECR's
// registry API (the local cloud, LocalStack-like setups); by default the caller's own registry
// (GetAuthorizationToken's proxyEndpoint). ECR hosts are `<account>.dkr.ecr[-fips].<region>.<suffix>`
// with the DNS suffix of the region's partition in the SDK's table (amazonaws.com,
// amazonaws.com.cn, c2s.ic.gov, ...), or the dual-stack `<account>.dkr-ecr[-fips].<region>.on.aws`
// ("Making requests to Amazon ECR registries", ECR user guide).
import { awsPartition } from './aws-endpoints.ts';
import { isAwsRegion } from './region.ts';

export interface RegistryTarget {
  /** The account of the registry; undefined: the caller's. */
  registryId?: string;
  /** `host[:port]` to push to; undefined: the proxyEndpoint ECR answers with. */
  host?: string;
}

const ACCOUNT = /^\d{12}$/;
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.([a-z0-9.-]+)$/;
const ECR_DUAL_STACK_HOST = /^(\d{12})\.dkr-ecr(?:-fips)?\.([a-z0-9-]+)\.on\.aws$/;

/** The account and region of an ECR registry host, or undefined for other hosts. */
function ecrHost(host: string): { registryId: string; region: string } | undefined {
  const regional = ECR_HOST.exec(host);
  if (regional?.[1] && regional[2] && isAwsRegion(regional[2]) && awsPartition(regional[2]).dnsSuffix === regional[3]) {
    return { registryId: regional[1], region: regional[2] };
  }
  const dualStack = ECR_DUAL_STACK_HOST.exec(host);
  if (dualStack?.[1] && dualStack[2] && isAwsRegion(dualStack[2]) && awsPartition(dualStack[2]).name === 'aws') {
    return { registryId: dualStack[1], region: dualStack[2] };
  }
  return undefined;
}
const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$|^\[[0-9a-f:]+\](?::\d{1,5})?$/;

/** The region of an ECR host, or undefined for other hosts. */
export function ecrHostRegion(host: string): string | undefined {
  return ecrHost(host)?.region;
}

/**
 * Parses the `registry` value; throws an Error saying what was expected. An ECR host must be in
 * `region` (ECR serves a registry only from its own region).
 */
export function parseRegistryTarget(value: string | undefined, region: string): RegistryTarget {
  if (value === undefined || value === '') return {};
  if (ACCOUNT.test(value)) return { registryId: value };
  const ecr = ecrHost(value);
  if (ecr) {
    if (ecr.region !== region) {
      throw new Error(`'${value}' is an ECR registry in ${ecr.region}, but the region is ${region}`);
    }
    return { registryId: ecr.registryId, host: value };
  }
  if (HOST.test(value) && !/^\d+$/.test(value)) return { host: value };
  throw new Error(`'${value}' is neither a 12-digit account ID nor a registry host[:port]`);
}
