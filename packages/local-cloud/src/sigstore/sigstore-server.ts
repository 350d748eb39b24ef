// The HTTP faces of the local Sigstore: Fulcio's `POST /api/v2/signingCert` and
// `GET /api/v2/trustBundle`, Rekor's `POST /api/v1/log/entries`, `GET /api/v1/log/entries/{uuid}`
// and `GET /api/v1/log`, and `GET /trusted-root.json`, the trusted root naming them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody, sendJson } from '../http/server.ts';
import type { FulcioCa, SigningCertRequest } from './fulcio/fulcio-ca.ts';
import { FulcioError } from './fulcio/fulcio-errors.ts';
import { RekorEntryError } from './rekor/dsse-entry.ts';
import type { RekorLog } from './rekor/rekor-log.ts';
import type { TrustedRootJson } from './trusted-root/trusted-root.ts';

export interface SigstoreHandlerOptions {
  fulcio: FulcioCa;
  rekor: RekorLog;
  trustedRoot: () => TrustedRootJson;
  /** Why Fulcio refused a request (its log; clients see only the public message). */
  log?: (line: string) => void;
}

const BODY_LIMIT = 4 * 1024 * 1024;

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req, BODY_LIMIT)).toString('utf8');
  return JSON.parse(text) as unknown;
}

function rekorError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) {
  sendJson(res, status, { code: status, message }, headers);
}

export function sigstoreHandler(options: SigstoreHandlerOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path === '/api/v2/signingCert') {
      if (method !== 'POST') return sendJson(res, 405, { code: 12, message: 'Method Not Allowed', details: [] });
      let body: unknown;
      try {
        body = await jsonBody(req);
      } catch (error) {
        const message = error instanceof BodyTooLargeError ? error.message : 'request body is not JSON';
        return sendJson(res, 400, { code: 3, message, details: [] });
      }
      try {
        const answer = await options.fulcio.createSigningCertificate(body as SigningCertRequest);
        return sendJson(res, 200, answer);
      } catch (error) {
        if (error instanceof FulcioError) {
          options.log?.(`fulcio: refused a signing certificate: ${error.reason}`);
          return sendJson(res, error.status, error.body());
        }
        throw error;
      }
    }
    if (path === '/api/v2/trustBundle' && method === 'GET') {
      return sendJson(res, 200, { chains: [{ certificates: options.fulcio.chainPem() }] });
    }
    if (path === '/api/v1/log/entries' && method === 'POST') {
      let body: unknown;
      try {
        body = await jsonBody(req);
      } catch {
        return rekorError(res, 400, 'error parsing request body');
      }
      try {
        const { uuid, entry } = options.rekor.createEntry(body);
        return sendJson(res, 201, { [uuid]: entry }, { location: `/api/v1/log/entries/${uuid}`, etag: uuid });
      } catch (error) {
        if (error instanceof RekorEntryError) {
          const uuid = error.status === 409 ? error.message.split(' ').pop() : undefined;
          return rekorError(res, error.status, error.message, uuid ? { location: `/api/v1/log/entries/${uuid}` } : {});
        }
        throw error;
      }
    }
    const entry = /^\/api\/v1\/log\/entries\/([0-9a-fA-F]{64,80})$/.exec(path);
    if (entry?.[1] !== undefined && method === 'GET') {
      const uuid = entry[1].slice(-64);
      const found = options.rekor.getEntry(uuid);
      if (!found) return rekorError(res, 404, 'entry not found');
      return sendJson(res, 200, { [uuid]: found });
    }
    if (path === '/api/v1/log' && method === 'GET') return sendJson(res, 200, options.rekor.info());
    if (path === '/trusted-root.json' && method === 'GET') return sendJson(res, 200, options.trustedRoot());
    return sendJson(res, 404, { code: 404, message: `no route for ${method} ${path}` });
  };
}
