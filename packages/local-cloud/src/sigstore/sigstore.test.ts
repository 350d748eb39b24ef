// The local Sigstore against the real clients: @sigstore/sign gets a certificate from the Fulcio
// stand-in and an entry from the Rekor stand-in; @sigstore/verify checks the bundle (chain, SCT,
// SET, inclusion proof, checkpoint, signature, identity) against the stand-in's trusted root.
import { bundleFromJSON, bundleToJSON, type SerializedBundle } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { DSSEBundleBuilder, FulcioSigner, RekorWitness } from '@sigstore/sign';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcIssuer, type TokenOptions } from '../oidc/issuer.ts';
import { FULCIO_OID } from './fulcio/github-extensions.ts';
import { type SigstoreService, startSigstore } from './start-sigstore.ts';

let oidc: OidcIssuer;
let sigstore: SigstoreService;
const fulcioLog: string[] = [];
const job = {
  repository: 'bakeline-dev/licensing-service',
  ref: 'refs/heads/main',
  sha: 'a'.repeat(40),
  job_workflow_ref: 'bakeline-dev/bakeline/.github/workflows/build.yml@refs/heads/main',
  run_id: '42',
};

beforeAll(async () => {
  oidc = await OidcIssuer.create({ issuer: 'https://127.0.0.1:1' });
  sigstore = await startSigstore({
    oidcIssuer: oidc.issuer,
    jwks: async () => oidc.jwks(),
    log: (line) => fulcioLog.push(line),
  });
});
afterAll(async () => {
  await sigstore.stop();
});

const STATEMENT = Buffer.from(
  JSON.stringify({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'licensing-service', digest: { sha256: 'b'.repeat(64) } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {},
  }),
);

async function sign(token: string, data: Buffer = STATEMENT): Promise<SerializedBundle> {
  const builder = new DSSEBundleBuilder({
    signer: new FulcioSigner({ fulcioBaseURL: sigstore.url, identityProvider: { getToken: async () => token } }),
    witnesses: [new RekorWitness({ rekorBaseURL: sigstore.url, entryType: 'dsse' })],
  });
  return bundleToJSON(await builder.create({ data, type: 'application/vnd.in-toto+json' }));
}

function verifier(): Verifier {
  return new Verifier(toTrustMaterial(TrustedRoot.fromJSON(sigstore.trustedRoot())));
}

const token = (options: TokenOptions = {}) => oidc.issue(job, { audience: 'sigstore', ...options });

describe('local Sigstore with the real sigstore-js clients', () => {
  it('issues a certificate and a log entry that @sigstore/verify accepts, with the GitHub identity', async () => {
    const bundle = await sign(await token());
    const signer = verifier().verify(toSignedEntity(bundleFromJSON(bundle)), {
      subjectAlternativeName: `https://github.com/${job.job_workflow_ref}`,
      extensions: { issuer: oidc.issuer },
    });
    const oid = (id: string) =>
      signer.identity?.oids?.find((o) => o.oid?.id.join('.') === id)?.value.toString('utf8') ?? '';
    expect(oid(FULCIO_OID.sourceRepositoryUri)).toContain('https://github.com/bakeline-dev/licensing-service');
    expect(oid(FULCIO_OID.sourceRepositoryRef)).toContain('refs/heads/main');
    expect(oid(FULCIO_OID.sourceRepositoryDigest)).toContain(job.sha);
    expect(oid(FULCIO_OID.buildTrigger)).toContain('push');
    expect(oid(FULCIO_OID.runInvocationUri)).toContain('/actions/runs/42/attempts/1');
    expect(bundle.verificationMaterial.tlogEntries[0]?.inclusionProof?.checkpoint.envelope).toMatch(
      /\n\u2014 127\.0\.0\.1:/,
    );
  });

  it('refuses an expired token at signing, with Fulcio text, and says why in its log', async () => {
    await expect(sign(await token({ expired: true }))).rejects.toThrow(
      /There was an error processing the identity token/,
    );
    expect(fulcioLog.at(-1)).toMatch(/"exp" claim timestamp check failed/);
  });

  it('refuses a tampered token (claims changed after signing)', async () => {
    const [header, payload, signature] = (await token()).split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    claims.repository = 'attacker/other';
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    await expect(sign(forged)).rejects.toThrow(/There was an error processing the identity token/);
    expect(fulcioLog.at(-1)).toMatch(/signature verification failed/);
  });

  it('refuses an unsigned token (alg none), which @sigstore/mock would accept', async () => {
    const claims = JSON.parse(Buffer.from((await token()).split('.')[1] ?? '', 'base64url').toString('utf8'));
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    await expect(sign(unsigned)).rejects.toThrow(/There was an error processing the identity token/);
  });

  it.each([
    ['a token for another audience', { audience: 'https://github.com/bakeline-dev' }, /unexpected "aud" claim value/],
    ['a token signed by a key the JWKS does not publish', { wrongKey: true }, /signature verification failed/],
    ['a token from another issuer', { extraClaims: { iss: 'https://evil.example' } }, /unexpected "iss" claim value/],
  ])('refuses %s', async (_name, options, reason) => {
    await expect(sign(await token(options))).rejects.toThrow(/There was an error processing the identity token/);
    expect(fulcioLog.at(-1)).toMatch(reason);
  });

  it('refuses a token without the claims of a GitHub workflow', async () => {
    await expect(sign(await token({ extraClaims: { job_workflow_ref: undefined } }))).rejects.toThrow(
      /There was an error processing the identity token/,
    );
    expect(fulcioLog.at(-1)).toMatch(/no 'job_workflow_ref' claim/);
  });

  it('refuses a bundle whose signed entry timestamp was altered', async () => {
    const bundle = await sign(await token());
    const entry = bundle.verificationMaterial.tlogEntries[0];
    if (!entry?.inclusionPromise) throw new Error('no inclusion promise');
    const set = Buffer.from(entry.inclusionPromise.signedEntryTimestamp, 'base64');
    set[set.length - 1] = (set.at(-1) ?? 0) ^ 1;
    entry.inclusionPromise.signedEntryTimestamp = set.toString('base64');
    expect(() => verifier().verify(toSignedEntity(bundleFromJSON(bundle)))).toThrow(
      /inclusion promise could not be verified/,
    );
  });

  it('refuses a bundle whose inclusion proof does not lead to the checkpoint', async () => {
    await sign(await token());
    const bundle = await sign(await token());
    const proof = bundle.verificationMaterial.tlogEntries[0]?.inclusionProof;
    if (!proof || proof.hashes.length === 0) throw new Error('no inclusion proof hashes');
    const first = Buffer.from(proof.hashes[0] ?? '', 'base64');
    first[0] = (first[0] ?? 0) ^ 1;
    proof.hashes[0] = first.toString('base64');
    expect(() => verifier().verify(toSignedEntity(bundleFromJSON(bundle)))).toThrow(
      /calculated root hash does not match/,
    );
  });
});
