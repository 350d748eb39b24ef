// Which ECR registry to push to: an account ID, an ECR host (`<account>.dkr.ecr.<region>.amazonaws.com`),
// or another host that fronts ECR's registry API (the local cloud, LocalStack-like setups); by
// default the caller's own registry (GetAuthorizationToken's proxyEndpoint).

export interface RegistryTarget {
  /** The account of the registry; undefined: the caller's. */
  registryId?: string;
  /** `host[:port]` to push to; undefined: the proxyEndpoint ECR answers with. */
  host?: string;
}

const ACCOUNT = /^\d{12}$/;
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$|^\[[0-9a-f:]+\](?::\d{1,5})?$/;

/** The region of an ECR host, or undefined for other hosts. */
export function ecrHostRegion(host: string): string | undefined {
  return ECR_HOST.exec(host)?.[2];
}

/**
 * Parses the `registry` value; throws an Error saying what was expected. An ECR host must be in
 * `region` (ECR serves a registry only from its own region).
 */
export function parseRegistryTarget(value: string | undefined, region: string): RegistryTarget {
  if (value === undefined || value === '') return {};
  if (ACCOUNT.test(value)) return { registryId: value };
  const ecr = ECR_HOST.exec(value);
  if (ecr) {
    if (ecr[2] !== region) {
      throw new Error(`'${value}' is an ECR registry in ${ecr[2]}, but the region is ${region}`);
    }
    return { registryId: ecr[1] ?? '', host: value };
  }
  if (HOST.test(value) && !/^\d+$/.test(value)) return { host: value };
  throw new Error(`'${value}' is neither a 12-digit account ID nor a registry host[:port]`);
}
