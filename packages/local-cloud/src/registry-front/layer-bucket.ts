// ECR serves layer downloads from S3: a blob GET on the registry answers 307 with a presigned,
// time-limited URL of the layer bucket. This stand-in bucket lives on its own port, checks the
// URL's signature and expiry (S3's XML errors otherwise) and streams the blob from Distribution.
// Clients must follow the redirect, as they must with ECR.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { proxy } from './proxy.ts';

export interface LayerBucketOptions {
  /** `http://127.0.0.1:<port>` of Distribution. */
  distributionUrl: string;
  /** Seconds a download URL stays valid (ECR: 1 hour). */
  ttlSeconds?: number;
  now?: () => Date;
}

function sendS3Error(res: ServerResponse, status: number, code: string, message: string, method: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${randomBytes(8).toString('hex').toUpperCase()}</RequestId></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)) });
  res.end(method === 'HEAD' ? undefined : body);
}

function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export class LayerBucket {
  readonly #o: LayerBucketOptions;
  readonly #secret = randomBytes(32);
  readonly #now: () => Date;
  /** `http://127.0.0.1:<port>` of the bucket, set once it listens. */
  url = '';

  constructor(options: LayerBucketOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
  }

  #sign(path: string, date: string, expires: string): string {
    return createHmac('sha256', this.#secret).update(`${path}\n${date}\n${expires}`).digest('hex');
  }

  /** A presigned download URL for a blob of a repository. */
  urlFor(repository: string, digest: string): string {
    const path = `/layers/${Buffer.from(repository).toString('base64url')}/${digest}`;
    const date = amzDate(this.#now());
    const expires = String(this.#o.ttlSeconds ?? 3600);
    const q = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Date': date,
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Expires': expires,
      'X-Amz-Signature': this.#sign(path, date, expires),
    });
    return `${this.url}${path}?${q}`;
  }

  handler() {
    return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const method = req.method ?? 'GET';
      const url = new URL(req.url ?? '/', 'http://localhost');
      const m = /^\/layers\/([A-Za-z0-9_-]+)\/(sha256:[0-9a-f]{64})$/.exec(url.pathname);
      if (!m || (method !== 'GET' && method !== 'HEAD')) {
        sendS3Error(res, 403, 'AccessDenied', 'Access Denied', method);
        return;
      }
      const date = url.searchParams.get('X-Amz-Date') ?? '';
      const expires = url.searchParams.get('X-Amz-Expires') ?? '';
      const given = Buffer.from(url.searchParams.get('X-Amz-Signature') ?? '');
      const expected = Buffer.from(this.#sign(url.pathname, date, expires));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        sendS3Error(
          res,
          403,
          'SignatureDoesNotMatch',
          'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
          method,
        );
        return;
      }
      const d = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
      const signedAt = d
        ? Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(d[4]), Number(d[5]), Number(d[6]))
        : 0;
      if (this.#now().getTime() > signedAt + Number(expires) * 1000) {
        sendS3Error(res, 403, 'AccessDenied', 'Request has expired', method);
        return;
      }
      const repository = Buffer.from(m[1] ?? '', 'base64url').toString('utf8');
      await proxy(req, res, {
        upstream: this.#o.distributionUrl,
        frontHost: new URL(this.url).host,
        path: `/v2/${repository}/blobs/${m[2]}`,
      });
    };
  }
}
