// The authenticator's GET of a presigned GetCallerIdentity URL, sent to the local STS: the URL
// names a real STS host (sts.<region>.amazonaws.com), which no test may reach, so the request
// goes to 127.0.0.1 with the URL's path and query and the URL's host as its Host header. SigV4
// signs the Host header, so the signature the client made for the real host stays valid (the
// fault proxy keeps the client's Host the same way).
import { request } from 'node:http';
import type { GetCallerIdentityTransport } from './eks-token.ts';

const TIMEOUT_MS = 10_000;
const MAX_ANSWER = 64 * 1024;

/** `stsUrl`: `http://127.0.0.1:<port>` of the local STS. */
export function localStsTransport(stsUrl: string): GetCallerIdentityTransport {
  const target = new URL(stsUrl);
  return {
    get: (url, headers) =>
      new Promise((resolve, reject) => {
        const req = request(
          {
            host: target.hostname,
            port: target.port,
            method: 'GET',
            path: `${url.pathname}${url.search}`,
            headers: { ...headers, host: url.host },
            timeout: TIMEOUT_MS,
          },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (c: Buffer) => {
              size += c.length;
              if (size <= MAX_ANSWER) chunks.push(c);
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', reject);
          },
        );
        req.on('timeout', () => req.destroy(new Error(`Client.Timeout exceeded while awaiting headers`)));
        req.on('error', reject);
        req.end();
      }),
  };
}
