// Errors of the distribution API in the OCI shape: {"errors":[{"code":"...","message":"..."}]}.
import type { ServerResponse } from 'node:http';

export const API_VERSION_HEADER = { 'docker-distribution-api-version': 'registry/2.0' };

export function sendOciError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  method = 'GET',
): void {
  const body = JSON.stringify({ errors: [{ code, message, detail: null }] });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    ...API_VERSION_HEADER,
    ...headers,
  });
  res.end(method === 'HEAD' ? undefined : body);
}
