import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GithubAttestations } from './attestations-api.ts';
import { type GithubDeploymentsApi, startGithubDeploymentsApi } from './deployments-api.ts';

const REPO = 'bakeline-dev/licensing-service';
const DIGEST = `sha256:${'c'.repeat(64)}`;
let api: GithubDeploymentsApi;
const store = new GithubAttestations();

const headers = (token = 'ghs_write') => ({
  authorization: `Bearer ${token}`,
  'user-agent': 'test',
  accept: 'application/vnd.github+json',
});

function bundle(digest: string, predicateType: string, mediaType = 'application/vnd.dev.sigstore.bundle.v0.3+json') {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'img', digest: { sha256: digest.replace('sha256:', '') } }],
    predicateType,
    predicate: {},
  };
  return {
    mediaType,
    verificationMaterial: {},
    dsseEnvelope: {
      payloadType: 'application/vnd.in-toto+json',
      payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
      signatures: [],
    },
  };
}

const post = (body: unknown, token?: string) =>
  fetch(`${api.url}/repos/${REPO}/attestations`, {
    method: 'POST',
    headers: { ...headers(token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  api = await startGithubDeploymentsApi({
    repository: REPO,
    token: 'ghs_write',
    readOnlyTokens: ['ghs_read'],
    attestations: store,
  });
});
afterAll(async () => {
  await api.close();
});

describe('GitHub attestations API stand-in', () => {
  it('stores bundles and lists them by subject digest, newest first, filtered by predicate type', async () => {
    expect(await (await post({ bundle: bundle(DIGEST, 'https://slsa.dev/provenance/v1') })).json()).toEqual({ id: 1 });
    const second = await post({ bundle: bundle(DIGEST, 'https://in-toto.io/attestation/test-result/v0.1') });
    expect(second.status).toBe(201);
    const all = await fetch(`${api.url}/repos/${REPO}/attestations/${DIGEST}`, { headers: headers('ghs_read') });
    const listed = (await all.json()) as { attestations: { bundle: { dsseEnvelope: unknown } }[] };
    expect(listed.attestations).toHaveLength(2);
    const filtered = await fetch(
      `${api.url}/repos/${REPO}/attestations/${DIGEST}?predicate_type=${encodeURIComponent('https://slsa.dev/provenance/v1')}`,
      { headers: headers() },
    );
    expect(((await filtered.json()) as { attestations: unknown[] }).attestations).toHaveLength(1);
  });

  it('answers 404 for a digest without attestations, as gh attestation verify expects', async () => {
    const res = await fetch(`${api.url}/repos/${REPO}/attestations/sha256:${'d'.repeat(64)}`, { headers: headers() });
    expect(res.status).toBe(404);
  });

  it('refuses a read-only token, a body without bundle, and a bundle without an in-toto statement', async () => {
    expect((await post({ bundle: bundle(DIGEST, 'x') }, 'ghs_read')).status).toBe(403);
    const missing = await post({});
    expect(missing.status).toBe(422);
    expect(await missing.json()).toMatchObject({ errors: [{ field: 'bundle', code: 'missing_field' }] });
    const wrong = await post({ bundle: { ...bundle(DIGEST, 'x'), mediaType: 'application/json' } });
    expect(wrong.status).toBe(422);
    expect(store.all()).toHaveLength(2);
  });
});
