import * as core from '@actions/core';
import { coreLogger, maskSecret } from '@bakeline/action-io';
import {
  type CredentialsProvider,
  connectEksCluster,
  createEcrClient,
  credentialChain,
  EcrLogin,
  ecrDigestForTag,
  ecrHostRegion,
  parseEcrImage,
} from '@bakeline/aws';
import { KubeClient, pinnedImage, readKubeconfig } from '@bakeline/kube';
import { parseReference, RegistryClient, type RegistryCredentials } from '@bakeline/oci';
import { InputError } from '@bakeline/toolkit';
import { readImageRevision } from './image-revision.ts';
import type { ClusterInput, Inputs } from './inputs.ts';

export interface Connected {
  client: KubeClient;
  /** Resolves `repository:tag` to `repository@sha256:…` (allow-tag). */
  resolveTag(image: string): Promise<string>;
  /** The image's `org.opencontainers.image.revision` label, read from its registry by digest. */
  readRevision(image: string): Promise<string | undefined>;
  /** Basic credentials for the image's registry (ECR's login), or none (anonymous). */
  registryCredentials(image: string): Promise<RegistryCredentials | undefined>;
}

function credentialsFor(
  cluster: Extract<ClusterInput, { kind: 'eks' }>,
  inputs: Inputs,
  region: string,
): CredentialsProvider {
  return credentialChain({
    region,
    roleSessionName: inputs.roleSessionName,
    idToken: () => core.getIDToken(inputs.audience),
    mask: maskSecret,
    ...(cluster.roleToAssume ? { roleToAssume: cluster.roleToAssume } : {}),
    ...(inputs.stsEndpoint ? { stsEndpoint: inputs.stsEndpoint } : {}),
  });
}

/**
 * A tag resolved to its digest: through ECR's DescribeImages (an ECR host, or any host when
 * `ecr-endpoint` points at an ECR API that fronts it), the registry's manifest HEAD otherwise.
 */
async function resolveTag(
  image: string,
  credentials: CredentialsProvider | undefined,
  inputs: Pick<Inputs, 'region' | 'ecrEndpoint'>,
): Promise<string> {
  if (pinnedImage(image)) return image;
  const ref = parseReference(image);
  const tag = ref.tag ?? 'latest';
  const repository = ref.tag === undefined ? image : image.slice(0, image.length - tag.length - 1);
  const ecr =
    parseEcrImage(image) ??
    (inputs.ecrEndpoint && inputs.region && image.includes('/')
      ? { registryId: '', region: inputs.region, repository: ref.repository, tag }
      : undefined);
  let digest: string | undefined;
  if (ecr && credentials) {
    digest = await ecrDigestForTag(ecr, credentials, inputs.ecrEndpoint);
  } else {
    digest = await new RegistryClient({ registry: ref.registry }).resolveDigest(ref.repository, tag);
  }
  if (!digest) throw new Error(`image '${image}': the registry has no such tag`);
  core.info(`allow-tag: ${image} is ${digest}; the workload is set by digest`);
  return `${repository}@${digest}`;
}

/**
 * A client of the image's registry: with an ECR login when the host is ECR's (or `ecr-endpoint`
 * fronts it) and AWS credentials are at hand, anonymous otherwise.
 */
/** ECR's registry login for the image's registry (an ECR host, or any with `ecr-endpoint`), if any. */
function registryLoginFor(
  image: string,
  credentials: CredentialsProvider | undefined,
  inputs: Pick<Inputs, 'region' | 'ecrEndpoint'>,
): (() => Promise<RegistryCredentials>) | undefined {
  const { registry } = parseReference(image);
  const region = ecrHostRegion(registry.toLowerCase()) ?? (inputs.ecrEndpoint ? inputs.region : undefined);
  if (!credentials || !region) return undefined;
  const login = new EcrLogin(
    createEcrClient({ region, credentials, ...(inputs.ecrEndpoint ? { endpoint: inputs.ecrEndpoint } : {}) }),
    { mask: maskSecret },
  );
  return async (): Promise<RegistryCredentials> => {
    const { username, password } = await login.get();
    return { username, password };
  };
}

function registryClient(
  image: string,
  credentials: CredentialsProvider | undefined,
  inputs: Pick<Inputs, 'region' | 'ecrEndpoint'>,
): RegistryClient {
  const { registry } = parseReference(image);
  const registryCredentials = registryLoginFor(image, credentials, inputs);
  if (!registryCredentials) return new RegistryClient({ registry, logger: coreLogger });
  return new RegistryClient({ registry, credentials: registryCredentials, logger: coreLogger });
}

/** Who talks to the cluster, in words for error messages. */
export function describeIdentity(cluster: ClusterInput): { identity: string; cluster: string } {
  if (cluster.kind === 'kubeconfig') return { identity: "the kubeconfig's user", cluster: cluster.path };
  return {
    identity: cluster.roleToAssume ? `role ${cluster.roleToAssume}` : "the AWS SDK's default credentials",
    cluster: cluster.clusterName,
  };
}

export async function connect(cluster: ClusterInput, inputs: Inputs): Promise<Connected> {
  let client: KubeClient;
  let credentials: CredentialsProvider | undefined;
  if (cluster.kind === 'kubeconfig') {
    client = new KubeClient(readKubeconfig(cluster.path, { mask: maskSecret }));
  } else {
    const region = cluster.region ?? inputs.region;
    if (!region) throw new InputError('region', 'is required for an EKS cluster (or set AWS_REGION)');
    credentials = credentialsFor(cluster, inputs, region);
    const connection = await connectEksCluster({
      clusterName: cluster.clusterName,
      mask: maskSecret,
      region,
      credentials,
      ...(inputs.eksEndpoint ? { eksEndpoint: inputs.eksEndpoint } : {}),
    });
    client = new KubeClient(connection);
  }
  const revisions = new Map<string, Promise<string | undefined>>();
  return {
    client,
    resolveTag: (image: string) => resolveTag(image, credentials, inputs),
    registryCredentials: (image: string) =>
      registryLoginFor(image, credentials, inputs)?.() ?? Promise.resolve(undefined),
    // read once per image: the manifests and the GitHub deployment both ask
    readRevision: (image: string) => {
      const known = revisions.get(image) ?? readImageRevision(image, registryClient(image, credentials, inputs));
      revisions.set(image, known);
      return known;
    },
  };
}
