// A kubeconfig for the stand-in: the cluster's CA and endpoint, and either a client
// certificate (the admin) or a bearer token.
import { stringify } from 'yaml';

export interface KubeconfigUser {
  name: string;
  clientCertificatePem?: string;
  clientKeyPem?: string;
  token?: string;
}

export function renderKubeconfig(options: {
  clusterName: string;
  server: string;
  caPem: string;
  user: KubeconfigUser;
  namespace?: string;
}): string {
  const user: Record<string, string> = {};
  if (options.user.clientCertificatePem)
    user['client-certificate-data'] = Buffer.from(options.user.clientCertificatePem).toString('base64');
  if (options.user.clientKeyPem) user['client-key-data'] = Buffer.from(options.user.clientKeyPem).toString('base64');
  if (options.user.token) user.token = options.user.token;
  const context = `${options.user.name}@${options.clusterName}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: options.clusterName,
        cluster: {
          server: options.server,
          'certificate-authority-data': Buffer.from(options.caPem).toString('base64'),
        },
      },
    ],
    users: [{ name: options.user.name, user }],
    contexts: [
      {
        name: context,
        context: {
          cluster: options.clusterName,
          user: options.user.name,
          ...(options.namespace ? { namespace: options.namespace } : {}),
        },
      },
    ],
    'current-context': context,
    preferences: {},
  });
}
