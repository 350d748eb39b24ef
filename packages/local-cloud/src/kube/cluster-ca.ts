// The cluster's own certificate authority, made fresh at every start: a CA, a serving
// certificate for 127.0.0.1/localhost/kubernetes.default.svc, and an admin client certificate
// (O=system:masters).
import { createLocalCa, type IssuedCertificate } from '../tls/local-ca.ts';

export type { IssuedCertificate } from '../tls/local-ca.ts';

export interface ClusterCa {
  caPem: string;
  server: IssuedCertificate;
  admin: IssuedCertificate;
}

export async function createClusterCa(clusterName: string, now: Date = new Date()): Promise<ClusterCa> {
  const ca = await createLocalCa(clusterName, now);
  const server = await ca.issueServer('kube-apiserver', ['kubernetes.default.svc']);
  const admin = await ca.issueClient('CN=kubernetes-admin, O=system:masters');
  return { caPem: ca.caPem, server, admin };
}
