// A raw HTTPS request to the stand-in's API (its CA; a bearer token or the admin's client
// certificate), returning status, headers and parsed body, for tests that check exact shapes.
import { request } from 'node:https';

export interface KubeRequest {
  method: string;
  path: string;
  body?: unknown;
  contentType?: string;
  token?: string;
  clientCert?: { certPem: string; keyPem: string };
}

export interface KubeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

export function kubeRequest(apiUrl: string, caPem: string, r: KubeRequest): Promise<KubeResponse> {
  const url = new URL(r.path, apiUrl);
  const payload = r.body === undefined ? undefined : JSON.stringify(r.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: r.method,
        ca: caPem,
        ...(r.clientCert ? { cert: r.clientCert.certPem, key: r.clientCert.keyPem } : {}),
        headers: {
          Accept: 'application/json',
          ...(payload !== undefined ? { 'Content-Type': r.contentType ?? 'application/json' } : {}),
          ...(r.token ? { Authorization: `Bearer ${r.token}` } : {}),
        },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON (logs, health)
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
        });
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${r.method} ${r.path}: no answer within 30 s`)));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** The admin's client certificate from a kubeconfig written by startKubeCloud. */
export function adminCertificate(kubeconfigText: string): { certPem: string; keyPem: string } {
  const cert = /client-certificate-data: (\S+)/.exec(kubeconfigText)?.[1];
  const key = /client-key-data: (\S+)/.exec(kubeconfigText)?.[1];
  if (!cert || !key) throw new Error('kubeconfig has no client certificate');
  return { certPem: Buffer.from(cert, 'base64').toString('utf8'), keyPem: Buffer.from(key, 'base64').toString('utf8') };
}
