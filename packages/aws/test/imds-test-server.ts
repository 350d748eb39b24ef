// Test support (imported by tests only): the EC2 instance metadata service as the AWS SDK's
// instance-profile provider meets it, on 127.0.0.1, with IMDSv2 required (HttpTokens: required):
// - PUT /latest/api/token needs X-aws-ec2-metadata-token-ttl-seconds, 1 to 21600 (400 otherwise),
//   and is refused with 403 when it carries X-Forwarded-For (IMDS refuses proxied token requests);
// - every GET needs a token it issued and that has not expired, or gets 401 Unauthorized;
// - /latest/meta-data/iam/security-credentials/ lists the role, and .../<role> gives the
//   credentials document (Code, LastUpdated, Type AWS-HMAC, AccessKeyId, SecretAccessKey, Token,
//   Expiration), as the EC2 user guide documents it ("Retrieve security credentials from
//   instance metadata"); unknown paths are 404.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ImdsCall {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  status: number;
}

export interface ImdsTestServer {
  endpoint: string;
  calls: ImdsCall[];
  close(): Promise<void>;
}

export interface ImdsOptions {
  role: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  now?: () => number;
}

const CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials/';

export async function startImdsTestServer(options: ImdsOptions): Promise<ImdsTestServer> {
  const now = options.now ?? Date.now;
  const calls: ImdsCall[] = [];
  const tokens = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://imds').pathname;
    const answer = (status: number, body: string, headers: Record<string, string> = {}) => {
      calls.push({ method: request.method ?? '', path, headers: request.headers, status });
      response.writeHead(status, { 'content-type': 'text/plain', ...headers });
      response.end(body);
    };
    request.resume();
    if (request.method === 'PUT' && path === '/latest/api/token') {
      if (request.headers['x-forwarded-for'] !== undefined) return answer(403, 'Forbidden');
      const ttlText = request.headers['x-aws-ec2-metadata-token-ttl-seconds'];
      const ttl = typeof ttlText === 'string' && /^\d+$/.test(ttlText) ? Number(ttlText) : Number.NaN;
      if (!(ttl >= 1 && ttl <= 21600)) return answer(400, 'Bad Request');
      const token = randomBytes(32).toString('base64');
      tokens.set(token, now() + ttl * 1000);
      return answer(200, token, { 'x-aws-ec2-metadata-token-ttl-seconds': String(ttl) });
    }
    if (request.method !== 'GET') return answer(405, 'Method Not Allowed');
    const token = request.headers['x-aws-ec2-metadata-token'];
    const expires = typeof token === 'string' ? tokens.get(token) : undefined;
    if (expires === undefined || expires <= now()) return answer(401, 'Unauthorized');
    if (path === CREDENTIALS_PATH) return answer(200, options.role);
    if (path === `${CREDENTIALS_PATH}${options.role}`) {
      return answer(
        200,
        JSON.stringify({
          Code: 'Success',
          LastUpdated: new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          Type: 'AWS-HMAC',
          AccessKeyId: options.accessKeyId,
          SecretAccessKey: options.secretAccessKey,
          Token: options.sessionToken,
          Expiration: options.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        }),
      );
    }
    return answer(404, 'Not Found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
