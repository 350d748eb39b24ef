// Test support (imported by unit tests only): a tiny HTTP server on 127.0.0.1 that answers the
// AWS query protocol (STS) and JSON 1.1 (ECR) with whatever a test scripts, and records each call,
// so the real SDK clients' serialisers and error parsers are exercised.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsCall {
  /** `AssumeRoleWithWebIdentity` (query Action) or `GetAuthorizationToken` (X-Amz-Target operation). */
  operation: string;
  /** Query parameters (STS) or the JSON body (ECR). */
  params: Record<string, unknown>;
  headers: IncomingMessage['headers'];
}

export interface AwsAnswer {
  status?: number;
  body: string;
  contentType?: string;
}

export type AwsScript = (call: AwsCall, index: number) => AwsAnswer;

export interface AwsTestServer {
  endpoint: string;
  calls: AwsCall[];
  close(): Promise<void>;
}

export function stsError(code: string, message: string, status = 400): AwsAnswer {
  return {
    status,
    contentType: 'text/xml',
    body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>`,
  };
}

export function stsCredentials(expiration: Date, key = 'ASIATESTTESTTEST0001'): AwsAnswer {
  return {
    contentType: 'text/xml',
    body: `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>${key}</AccessKeyId><SecretAccessKey>secret-${key}</SecretAccessKey><SessionToken>session-${key}</SessionToken><Expiration>${expiration.toISOString()}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/push/s</Arn><AssumedRoleId>AROATEST:s</AssumedRoleId></AssumedRoleUser><SubjectFromWebIdentityToken>repo:o/r:ref:refs/heads/main</SubjectFromWebIdentityToken></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
  };
}

export function ecrAnswer(body: unknown): AwsAnswer {
  return { contentType: 'application/x-amz-json-1.1', body: JSON.stringify(body) };
}

export function ecrError(type: string, message: string, status = 400): AwsAnswer {
  return { status, contentType: 'application/x-amz-json-1.1', body: JSON.stringify({ __type: type, message }) };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startAwsTestServer(script: AwsScript): Promise<AwsTestServer> {
  const calls: AwsCall[] = [];
  const server: Server = createServer((request, response) => {
    void readBody(request).then((text) => {
      const target = request.headers['x-amz-target'];
      let call: AwsCall;
      if (typeof target === 'string') {
        call = {
          operation: target.split('.').pop() ?? '',
          params: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
          headers: request.headers,
        };
      } else {
        const params = Object.fromEntries(new URLSearchParams(text));
        call = { operation: params.Action ?? '', params, headers: request.headers };
      }
      calls.push(call);
      let answer: AwsAnswer;
      try {
        answer = script(call, calls.length - 1);
      } catch (error: unknown) {
        answer = { status: 500, body: String(error) };
      }
      response.writeHead(answer.status ?? 200, {
        'content-type': answer.contentType ?? 'text/plain',
        'x-amzn-requestid': `req-${calls.length}`,
      });
      response.end(answer.body);
    });
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

/** An unsigned JWT-shaped token with the given claims (STS is scripted; only the claims matter). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2ln`;
}
