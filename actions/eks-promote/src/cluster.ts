// Connects to the target or source cluster: EKS through OIDC (or ambient) credentials,
// DescribeCluster and a renewing token; or a kubeconfig.
import * as core from '@actions/core';
import {
  type CredentialsProvider,
  connectEksCluster,
  ecrDigestForTag,
  environmentCredentials,
  parseEcrImage,
  webIdentityCredentials,
} from '@bakeline/aws';
import { KubeClient, pinnedImage, readKubeconfig } from '@bakeline/kube';
import { parseReference, RegistryClient } from '@bakeline/oci';
import { InputError, maskSecret } from '@bakeline/toolkit';
import type { ClusterInput, Inputs } from './inputs.ts';

export interface Connected {
  client: KubeClient;
  /** Resolves `repository:tag` to `repository@sha256:…` (allow-tag). */
  resolveTag(image: string): Promise<string>;
}

function credentialsFor(
  cluster: Extract<ClusterInput, { kind: 'eks' }>,
  inputs: Inputs,
  region: string,
): CredentialsProvider {
  if (!cluster.roleToAssume) return environmentCredentials(process.env, maskSecret);
  return webIdentityCredentials({
    roleArn: cluster.roleToAssume,
    sessionName: inputs.roleSessionName,
    region,
    idToken: () => core.getIDToken(inputs.audience),
    mask: maskSecret,
    ...(inputs.stsEndpoint ? { stsEndpoint: inputs.stsEndpoint } : {}),
  });
}

/** A tag resolved to its digest: through ECR's DescribeImages for ECR, the registry's manifest HEAD otherwise. */
async function resolveTag(image: string, credentials: CredentialsProvider | undefined): Promise<string> {
  if (pinnedImage(image)) return image;
  const ecr = parseEcrImage(image);
  let digest: string | undefined;
  if (ecr && credentials) {
    digest = await ecrDigestForTag(ecr, credentials);
  } else {
    const ref = parseReference(image);
    digest = await new RegistryClient({ registry: ref.registry }).resolveDigest(ref.repository, ref.tag ?? 'latest');
  }
  if (!digest) throw new Error(`image '${image}': the registry has no such tag`);
  const repository = image.slice(0, image.lastIndexOf(':'));
  core.info(`allow-tag: ${image} is ${digest}; the workload is set by digest`);
  return `${repository}@${digest}`;
}

export async function connect(cluster: ClusterInput, inputs: Inputs): Promise<Connected> {
  let client: KubeClient;
  let credentials: CredentialsProvider | undefined;
  if (cluster.kind === 'kubeconfig') {
    client = new KubeClient(readKubeconfig(cluster.path));
  } else {
    const region = inputs.region;
    if (!region) throw new InputError('region', 'is required for an EKS cluster (or set AWS_REGION)');
    credentials = credentialsFor(cluster, inputs, region);
    const connection = await connectEksCluster({
      clusterName: cluster.clusterName,
      region,
      credentials,
      ...(inputs.eksEndpoint ? { eksEndpoint: inputs.eksEndpoint } : {}),
      ...(inputs.stsEndpoint ? { stsEndpoint: inputs.stsEndpoint } : {}),
    });
    client = new KubeClient(connection);
  }
  return {
    client,
    async resolveTag(image: string): Promise<string> {
      if (pinnedImage(image)) return image;
      throw new Error(
        `image '${image}': resolving a tag to its digest needs the registry client, which is not wired yet`,
      );
    },
  };
}
