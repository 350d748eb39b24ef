// Starts the OIDC issuer and the ID-token request endpoint, each on a 127.0.0.1 port of its own.
// The issuer (discovery and JWKS) speaks HTTPS with a certificate of the local cloud's CA, as IAM
// requires of an OIDC provider (its URL must begin with https://) and as STS fetches its keys.
// The request endpoint plays the runner's token service, which the local actions reach over http.
import { type HttpServerHandler, type ListenOptions, listen } from '../http/server.ts';
import { createLocalCa } from '../tls/local-ca.ts';
import { IdTokenGrants } from './id-token-grants.ts';
import { OidcIssuer } from './issuer.ts';
import { oidcHandler } from './oidc-server.ts';

export interface OidcService {
  /** `https://127.0.0.1:<port>`: the issuer (`iss`), its discovery document and JWKS. */
  url: string;
  /** The CA that signed the issuer's certificate (what a client fetching the JWKS must trust). */
  caPem: string;
  /** `http://127.0.0.1:<port>`: the ID-token request endpoint and `POST /id-token-grants`. */
  grantsUrl: string;
  issuer: OidcIssuer;
  grants: IdTokenGrants;
  stop(): Promise<void>;
}

export async function startOidc(
  options: { now?: () => Date; preferredPorts?: { issuer?: number; grants?: number } } & Omit<
    ListenOptions,
    'tls' | 'port' | 'preferredPort'
  > = {},
): Promise<OidcService> {
  const now = options.now ?? (() => new Date());
  const ca = await createLocalCa('local-oidc', now());
  const tls = await ca.issueServer('local-oidc');
  let handler: ReturnType<typeof oidcHandler> | undefined;
  const route =
    (face: 'issuer' | 'grants'): HttpServerHandler =>
    (req, res) => {
      if (!handler) throw new Error('oidc: not ready');
      return handler(face, req, res);
    };
  const onError = options.onError ? { onError: options.onError } : {};
  const issuerServer = await listen(route('issuer'), {
    ...onError,
    tls,
    ...(options.preferredPorts?.issuer !== undefined ? { preferredPort: options.preferredPorts.issuer } : {}),
  });
  const grantsServer = await listen(route('grants'), {
    ...onError,
    ...(options.preferredPorts?.grants !== undefined ? { preferredPort: options.preferredPorts.grants } : {}),
  });
  const issuer = await OidcIssuer.create({ issuer: issuerServer.url, now });
  const grants = new IdTokenGrants(issuer, grantsServer.url, now);
  handler = oidcHandler({ issuer, grants });
  return {
    url: issuerServer.url,
    caPem: ca.caPem,
    grantsUrl: grantsServer.url,
    issuer,
    grants,
    stop: async () => {
      await issuerServer.close();
      await grantsServer.close();
    },
  };
}
