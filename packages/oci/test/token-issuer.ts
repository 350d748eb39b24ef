// A token issuer for the Distribution registry's `auth: token` mode, for tests: an ES256 key and
// a self-signed certificate (made with the openssl CLI) whose PEM is the registry's
// rootcertbundle; tokens carry the certificate in `x5c`. Users authenticate with Basic auth;
// every requested repository scope is granted to a known user (and only pull to anonymous, if allowed).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execChecked } from '@bakeline/toolkit';
import { importPKCS8, SignJWT } from 'jose';

export interface TokenIssuer {
  realm: string;
  service: string;
  issuer: string;
  rootCertBundle: string;
  /** Every token request: the user (or undefined) and the scopes asked for. */
  requests: { user: string | undefined; scopes: string[] }[];
  stop(): Promise<void>;
}

export async function startTokenIssuer(users: Record<string, string>): Promise<TokenIssuer> {
  const dir = mkdtempSync(join(tmpdir(), 'token-issuer-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  await execChecked('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-days',
    '1',
    '-subj',
    '/CN=bakeline-test-token-issuer',
  ]);
  const key = await importPKCS8(readFileSync(keyPath, 'utf8'), 'ES256');
  const der = readFileSync(certPath, 'utf8')
    .replace(/-----[A-Z ]+-----/g, '')
    .replace(/\s+/g, '');
  const service = 'bakeline-test-registry';
  const issuer = 'bakeline-test-issuer';
  const requests: TokenIssuer['requests'] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const scopes = url.searchParams.getAll('scope');
    let user: string | undefined;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const [name, password] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
      if (name === undefined || users[name] !== password) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
        requests.push({ user: name, scopes });
        return;
      }
      user = name;
    }
    requests.push({ user, scopes });
    if (url.searchParams.get('service') !== service) {
      res.writeHead(400).end('unknown service');
      return;
    }
    const access = scopes.flatMap((scope) => {
      const [type, name, actions] = scope.split(':');
      if (type !== 'repository' || !name || !actions) return [];
      const granted = user ? actions.split(',') : [];
      return [{ type, name, actions: granted }];
    });
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ access })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', x5c: [der] })
      .setIssuer(issuer)
      .setAudience(service)
      .setSubject(user ?? '')
      .setIssuedAt(now)
      .setNotBefore(now - 5)
      .setExpirationTime(now + 300)
      .setJti(`${now}-${requests.length}`)
      .sign(key);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    rootCertBundle: certPath,
    requests,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
