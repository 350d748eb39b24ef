// Connects to the target or source cluster: EKS through OIDC (or ambient) credentials,
// DescribeCluster and a renewing token; or a kubeconfig.
import * as core from '@actions/core';
import {
  type CredentialsProvider,
  connectEksCluster,
  environmentCredentials,
  webIdentityCredentials,
} from '@bakeline/aws';
import { KubeClient, pinnedImage, readKubeconfig } from '@bakeline/kube';
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

export async function connect(cluster: ClusterInput, inputs: Inputs): Promise<Connected> {
  let client: KubeClient;
  if (cluster.kind === 'kubeconfig') {
    client = new KubeClient(readKubeconfig(cluster.path));
  } else {
    const region = inputs.region;
    if (!region) throw new InputError('region', 'is required for an EKS cluster (or set AWS_REGION)');
    const connection = await connectEksCluster({
      clusterName: cluster.clusterName,
      region,
      credentials: credentialsFor(cluster, inputs, region),
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
