// The issuer's faces: discovery and JWKS as GitHub serves them (HTTPS), the runner's ID-token request
// endpoint (HTTP), and `POST /id-token-grants` (claims JSON in, `{requestUrl, requestToken}` out), the
// protocol of the local workflow runner's `--id-token-endpoint`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../http/server.ts';
import type { GithubJobClaims } from './github-claims.ts';
import { IdTokenGrants } from './id-token-grants.ts';
import type { OidcIssuer } from './issuer.ts';

export interface OidcHandlerOptions {
  issuer: OidcIssuer;
  grants: IdTokenGrants;
}

function jobClaims(body: unknown): GithubJobClaims {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new Error('id-token grant: expected a JSON object of claims');
  }
  const claims = body as Record<string, unknown>;
  if (typeof claims.repository !== 'string') throw new Error("id-token grant: 'repository' (owner/name) is required");
  for (const [key, value] of Object.entries(claims)) {
    if (typeof value !== 'string') throw new Error(`id-token grant: claim '${key}' must be a string`);
  }
  return claims as unknown as GithubJobClaims;
}

function issuerRoute(issuer: OidcIssuer, method: string | undefined, path: string, res: ServerResponse): void {
  if (method === 'GET' && path === '/.well-known/openid-configuration') {
    sendJson(res, 200, issuer.discovery());
  } else if (method === 'GET' && path === '/.well-known/jwks') {
    sendJson(res, 200, issuer.jwks());
  } else {
    sendJson(res, 404, { message: `no route for ${method} ${path}` });
  }
}

/**
 * `issuer`: the HTTPS face (discovery, JWKS); `grants`: the runner's token service. Each serves
 * only its own routes.
 */
export function oidcHandler(options: OidcHandlerOptions) {
  return async (face: 'issuer' | 'grants', req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (face === 'issuer') {
      issuerRoute(options.issuer, req.method, url.pathname, res);
      return;
    }
    if (IdTokenGrants.matches(url.pathname)) {
      if (req.method !== 'GET') {
        sendJson(res, 405, { message: `${req.method} is not supported` });
        return;
      }
      const answer = await options.grants.answer(url, req.headers.authorization);
      sendJson(res, answer.status, answer.body);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/id-token-grants') {
      let claims: GithubJobClaims;
      try {
        claims = jobClaims(JSON.parse((await readBody(req, 64 * 1024)).toString('utf8')));
      } catch (error) {
        sendJson(res, 400, { message: error instanceof Error ? error.message : String(error) });
        return;
      }
      sendJson(res, 200, options.grants.grant(claims));
      return;
    }
    sendJson(res, 404, { message: `no route for ${req.method} ${url.pathname}` });
  };
}
