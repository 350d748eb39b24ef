// The job's GitHub OIDC token for Sigstore, fetched as the runner offers it: GET the request URL
// (ACTIONS_ID_TOKEN_REQUEST_URL) with `audience=sigstore`, authorized by the request token
// (ACTIONS_ID_TOKEN_REQUEST_TOKEN). The caller reads those two from the environment and passes
// them; the token is never logged.

export interface IdTokenRequest {
  requestUrl: string;
  requestToken: string;
}

export async function fetchSigstoreToken(request: IdTokenRequest, fetchFn: typeof fetch = fetch): Promise<string> {
  if (!request.requestUrl || !request.requestToken) {
    throw new Error(
      "OIDC token: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set; give the job 'permissions: id-token: write'",
    );
  }
  const url = new URL(request.requestUrl);
  url.searchParams.set('audience', 'sigstore');
  const res = await fetchFn(url, {
    headers: { authorization: `Bearer ${request.requestToken}`, accept: 'application/json' },
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status !== 200) throw new Error(`OIDC token: the token service answered HTTP ${res.status}`);
  const body = (await res.json()) as { value?: unknown };
  if (typeof body.value !== 'string' || body.value === '') throw new Error('OIDC token: the answer has no value');
  return body.value;
}
