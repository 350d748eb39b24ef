// Starts the OIDC issuer and the ID-token request endpoint on one 127.0.0.1 port.
import { type ListenOptions, listen } from '../http/server.ts';
import { IdTokenGrants } from './id-token-grants.ts';
import { OidcIssuer } from './issuer.ts';
import { oidcHandler } from './oidc-server.ts';

export interface OidcService {
  /** `http://127.0.0.1:<port>`: the issuer (`iss`) and the base of the request URLs. */
  url: string;
  issuer: OidcIssuer;
  grants: IdTokenGrants;
  stop(): Promise<void>;
}

export async function startOidc(options: { now?: () => Date } & ListenOptions = {}): Promise<OidcService> {
  const now = options.now ?? (() => new Date());
  let handler: ReturnType<typeof oidcHandler> | undefined;
  const server = await listen((req, res) => {
    if (!handler) throw new Error('oidc: not ready');
    return handler(req, res);
  }, options);
  const issuer = await OidcIssuer.create({ issuer: server.url, now });
  const grants = new IdTokenGrants(issuer, server.url, now);
  handler = oidcHandler({ issuer, grants });
  return { url: server.url, issuer, grants, stop: () => server.close() };
}
