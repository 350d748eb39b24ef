// Starts the local Sigstore on one 127.0.0.1 port: a Fulcio-like CA trusting the local GitHub OIDC
// issuer, a CT log key for its SCTs, a Rekor-like transparency log, and the trusted root naming
// the three. Keys live in memory: a restarted local cloud has a new trusted root.
import { type ListenOptions, listen } from '../http/server.ts';
import { CtLog } from './ct-log/ct-log.ts';
import { FulcioCa, type FulcioCaOptions } from './fulcio/fulcio-ca.ts';
import { RekorLog } from './rekor/rekor-log.ts';
import { sigstoreHandler } from './sigstore-server.ts';
import { type TrustedRootJson, trustedRoot } from './trusted-root/trusted-root.ts';

export interface SigstoreOptions extends Omit<ListenOptions, 'tls' | 'port'> {
  /** The OIDC issuer (`iss`) whose tokens Fulcio accepts. */
  oidcIssuer: string;
  jwks: FulcioCaOptions['jwks'];
  now?: () => Date;
  log?: (line: string) => void;
}

export interface SigstoreService {
  /** Base URL of Fulcio and of Rekor (`http://127.0.0.1:<port>`). */
  url: string;
  trustedRoot(): TrustedRootJson;
  fulcio: FulcioCa;
  rekor: RekorLog;
  ctLog: CtLog;
  stop(): Promise<void>;
}

export async function startSigstore(options: SigstoreOptions): Promise<SigstoreService> {
  const now = options.now ?? (() => new Date());
  let handler: ReturnType<typeof sigstoreHandler> | undefined;
  const server = await listen(
    (req, res) => {
      if (!handler) throw new Error('sigstore: not ready');
      return handler(req, res);
    },
    {
      ...(options.onError ? { onError: options.onError } : {}),
      ...(options.preferredPort !== undefined ? { preferredPort: options.preferredPort } : {}),
    },
  );
  // Keys are valid from a minute back: Rekor's integratedTime has whole seconds.
  const started = new Date(now().getTime() - 60_000);
  const ctLog = new CtLog({ now });
  const rekor = new RekorLog({ now, baseUrl: server.url });
  const fulcio = await FulcioCa.create({ issuer: options.oidcIssuer, jwks: options.jwks, ctLog, now });
  const root = trustedRoot({
    fulcio: { url: server.url, chainDer: fulcio.chainDer(), validFrom: fulcio.validFrom },
    rekor: { url: server.url, publicKeyDer: rekor.key.publicKeyDer, logId: rekor.key.logId, validFrom: started },
    ctLog: { url: server.url, publicKeyDer: ctLog.key.publicKeyDer, logId: ctLog.key.logId, validFrom: started },
  });
  handler = sigstoreHandler({
    fulcio,
    rekor,
    trustedRoot: () => root,
    ...(options.log ? { log: options.log } : {}),
  });
  return { url: server.url, trustedRoot: () => root, fulcio, rekor, ctLog, stop: () => server.close() };
}
