// Keyless signing of an in-toto statement with @sigstore/sign: an ephemeral key, a Fulcio
// certificate for the job's OIDC identity, a DSSE envelope, and a Rekor entry; the result is a
// Sigstore bundle v0.3 (JSON) holding all of it.
import { bundleToJSON, type SerializedBundle } from '@sigstore/bundle';
import { DSSEBundleBuilder, FulcioSigner, RekorWitness } from '@sigstore/sign';
import { IN_TOTO_PAYLOAD_TYPE, type Statement } from './statement.ts';

export interface SigstoreEndpoints {
  fulcioUrl: string;
  rekorUrl: string;
}

export async function signStatement(
  statement: Statement,
  options: SigstoreEndpoints & { token: () => Promise<string>; timeoutMs?: number },
): Promise<SerializedBundle> {
  const timeout = options.timeoutMs ?? 30_000;
  const builder = new DSSEBundleBuilder({
    signer: new FulcioSigner({
      fulcioBaseURL: options.fulcioUrl,
      identityProvider: { getToken: options.token },
      timeout,
      retry: 2,
    }),
    witnesses: [new RekorWitness({ rekorBaseURL: options.rekorUrl, entryType: 'dsse', timeout, retry: 2 })],
  });
  const data = Buffer.from(JSON.stringify(statement), 'utf8');
  try {
    return bundleToJSON(await builder.create({ data, type: IN_TOTO_PAYLOAD_TYPE }));
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new Error(
      `signing the ${statement.predicateType} attestation failed: ${(error as Error).message}${cause ? ` (${cause})` : ''}`,
      { cause: error },
    );
  }
}
