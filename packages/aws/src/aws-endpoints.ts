// Endpoints and partitions as the AWS SDK resolves them: each service client's own endpoint
// rule set (regional hosts, aws-cn's amazonaws.com.cn, GovCloud, the ISO partitions, FIPS and
// dual-stack variants) and the SDK's partition table. An endpoint override (the action's
// `*-endpoint` inputs) always wins. FIPS and dual-stack follow AWS_USE_FIPS_ENDPOINT and
// AWS_USE_DUALSTACK_ENDPOINT (or the profile's use_fips_endpoint / use_dualstack_endpoint), as
// every SDK client does, unless the caller decides.
import { ECRClient } from '@aws-sdk/client-ecr';
import { EKSClient } from '@aws-sdk/client-eks';
import { STSClient } from '@aws-sdk/client-sts';
import { partition } from '@aws-sdk/core/client';

export type AwsService = 'sts' | 'ecr' | 'eks';

export interface AwsPartition {
  /** aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc */
  name: string;
  dnsSuffix: string;
  dualStackDnsSuffix: string;
}

/** The partition a region belongs to, from the SDK's partition table. */
export function awsPartition(region: string): AwsPartition {
  const p = partition(region);
  return { name: p.name, dnsSuffix: p.dnsSuffix, dualStackDnsSuffix: p.dualStackDnsSuffix };
}

export interface AwsEndpointOptions {
  /** The `*-endpoint` input: returned as is. */
  override?: string;
  /** Default: what the SDK reads (AWS_USE_FIPS_ENDPOINT, the profile's use_fips_endpoint). */
  fips?: boolean;
  /** Default: what the SDK reads (AWS_USE_DUALSTACK_ENDPOINT, the profile's use_dualstack_endpoint). */
  dualStack?: boolean;
}

type EndpointProvider = (params: Record<string, unknown>) => { url: URL };

function client(service: AwsService, region: string) {
  const config = { region };
  const created =
    service === 'sts' ? new STSClient(config) : service === 'ecr' ? new ECRClient(config) : new EKSClient(config);
  return created;
}

/** The endpoint URL (`https://host`) the SDK's client for `service` would call in `region`. */
export async function resolveAwsEndpoint(
  service: AwsService,
  region: string,
  options: AwsEndpointOptions = {},
): Promise<string> {
  if (options.override) return options.override.replace(/\/$/, '');
  const c = client(service, region);
  try {
    const fips = options.fips ?? (await c.config.useFipsEndpoint());
    const dualStack = options.dualStack ?? (await c.config.useDualstackEndpoint());
    const provider = c.config.endpointProvider as unknown as EndpointProvider;
    const { url } = provider({ Region: region, UseFIPS: fips, UseDualStack: dualStack });
    return url.href.replace(/\/$/, '');
  } finally {
    c.destroy();
  }
}
