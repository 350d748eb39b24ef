// The API endpoint and CA of an EKS cluster (eks:DescribeCluster), and a connection to it that
// authenticates with a renewing EKS token: no kubectl, no `aws eks update-kubeconfig`, no exec plugin.
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import type { AwsCredentials, MaskSecret } from './aws-credentials.ts';
import { awsRequestHandler } from './aws-http.ts';
import { eksTokenProvider } from './eks-token.ts';

export interface EksClusterOptions {
  clusterName: string;
  region: string;
  credentials: () => Promise<AwsCredentials>;
  eksEndpoint?: string;
  /** setSecret: the bearer token is masked as soon as it is made */
  mask: MaskSecret;
}

export interface EksConnection {
  server: string;
  caPem: string;
  token: () => Promise<string>;
}

export async function connectEksCluster(options: EksClusterOptions): Promise<EksConnection> {
  const client = new EKSClient({
    region: options.region,
    credentials: options.credentials,
    ...(options.eksEndpoint ? { endpoint: options.eksEndpoint } : {}),
    maxAttempts: 4,
    requestHandler: awsRequestHandler(),
  });
  try {
    const { cluster } = await client.send(new DescribeClusterCommand({ name: options.clusterName }));
    const endpoint = cluster?.endpoint;
    const ca = cluster?.certificateAuthority?.data;
    if (!endpoint || !ca) {
      throw new Error(
        `EKS cluster '${options.clusterName}' has no endpoint or certificate authority yet (status ${cluster?.status ?? 'unknown'})`,
      );
    }
    return {
      server: endpoint,
      caPem: Buffer.from(ca, 'base64').toString('utf8'),
      token: eksTokenProvider({
        clusterName: options.clusterName,
        region: options.region,
        credentials: options.credentials,
        mask: options.mask,
      }),
    };
  } catch (error: unknown) {
    const name = error instanceof Error ? error.name : '';
    const message = error instanceof Error ? error.message : String(error);
    if (name === 'ResourceNotFoundException') {
      throw new Error(
        `EKS cluster '${options.clusterName}' was not found in ${options.region}: check 'cluster-name' and 'region'`,
        { cause: error },
      );
    }
    if (name === 'AccessDeniedException') {
      throw new Error(
        `Could not describe EKS cluster '${options.clusterName}': the role lacks eks:DescribeCluster: ${message}`,
        { cause: error },
      );
    }
    throw new Error(`Could not describe EKS cluster '${options.clusterName}': ${message}`, { cause: error });
  } finally {
    client.destroy();
  }
}
