// GitHub's artifact attestations API: upload a bundle to the repository, list a digest's bundles.
// `apiUrl` is GITHUB_API_URL; the token needs `attestations: write` to upload.
import type { SerializedBundle } from '@sigstore/bundle';

export interface GithubApi {
  apiUrl: string;
  repository: string;
  token: string;
  fetch?: typeof fetch;
}

function headers(api: GithubApi): Record<string, string> {
  return {
    authorization: `Bearer ${api.token}`,
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    'user-agent': 'bakeline-attest',
  };
}

export async function uploadToGithub(api: GithubApi, bundle: SerializedBundle): Promise<number> {
  const res = await (api.fetch ?? fetch)(`${api.apiUrl}/repos/${api.repository}/attestations`, {
    method: 'POST',
    headers: { ...headers(api), 'content-type': 'application/json' },
    body: JSON.stringify({ bundle }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json().catch(() => ({}))) as { id?: unknown; message?: unknown };
  if (res.status !== 201 || typeof body.id !== 'number') {
    throw new Error(
      `GitHub attestations API: upload to ${api.repository} answered HTTP ${res.status} (${String(body.message ?? '')}); the job needs 'permissions: attestations: write'`,
    );
  }
  return body.id;
}

export async function listFromGithub(api: GithubApi, digest: string): Promise<SerializedBundle[]> {
  const res = await (api.fetch ?? fetch)(`${api.apiUrl}/repos/${api.repository}/attestations/${digest}?per_page=100`, {
    headers: headers(api),
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status === 404) return [];
  if (res.status !== 200) throw new Error(`GitHub attestations API: listing ${digest} answered HTTP ${res.status}`);
  const body = (await res.json()) as { attestations?: { bundle?: SerializedBundle }[] };
  return (body.attestations ?? []).flatMap((a) => (a.bundle ? [a.bundle] : []));
}
