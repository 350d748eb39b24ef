// The auth challenge flow with an injected fetch standing in for registry and token server.
import { describe, expect, it } from 'vitest';
import { RegistryClient } from './registry-client.ts';

interface Seen {
  url: string;
  authorization: string | null;
}

function fakeRegistry(options: { tokenLifetime: number }) {
  const seen: Seen[] = [];
  let issued = 0;
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    seen.push({ url: `${url.pathname}${url.search}`, authorization: headers.get('authorization') });
    if (url.pathname === '/token') {
      if (headers.get('authorization') !== `Basic ${Buffer.from('u:p').toString('base64')}`) {
        return new Response('denied', { status: 401 });
      }
      issued++;
      return Response.json({ token: `t${issued}`, expires_in: options.tokenLifetime });
    }
    const auth = headers.get('authorization');
    if (auth !== `Bearer t${issued}` || issued === 0) {
      return new Response('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}', {
        status: 401,
        headers: {
          'www-authenticate': `Bearer realm="https://auth.example/token",service="reg",scope="repository:${url.pathname.split('/')[2]}/app:pull"`,
        },
      });
    }
    return new Response(null, { status: 404 });
  }) as typeof fetch;
  return { seen, fetchFn };
}

describe('registry auth challenge', () => {
  it('answers a Bearer challenge with a token for the scope, then reuses it', async () => {
    const { seen, fetchFn } = fakeRegistry({ tokenLifetime: 300 });
    const client = new RegistryClient({
      registry: 'reg.example',
      fetch: fetchFn,
      credentials: { username: 'u', password: 'p' },
    });
    expect(await client.hasBlob('team/app', `sha256:${'a'.repeat(64)}`)).toBe(false);
    expect(await client.hasBlob('team/app', `sha256:${'b'.repeat(64)}`)).toBe(false);
    expect(seen.map((s) => s.url)).toEqual([
      `/v2/team/app/blobs/sha256:${'a'.repeat(64)}`,
      '/token?service=reg&scope=repository%3Ateam%2Fapp%3Apull&account=u',
      `/v2/team/app/blobs/sha256:${'a'.repeat(64)}`,
      `/v2/team/app/blobs/sha256:${'b'.repeat(64)}`,
    ]);
    expect(seen[2]?.authorization).toBe('Bearer t1');
    expect(seen[3]?.authorization).toBe('Bearer t1');
  });

  it('fetches a new token when the registry refuses a cached one', async () => {
    const { seen, fetchFn } = fakeRegistry({ tokenLifetime: 300 });
    const client = new RegistryClient({
      registry: 'reg.example',
      fetch: fetchFn,
      credentials: { username: 'u', password: 'p' },
    });
    await client.hasBlob('team/app', `sha256:${'a'.repeat(64)}`);
    // another client took a newer token: ours (t1) is now refused once
    await fetchFn(new URL('https://auth.example/token?service=reg'), {
      headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` },
    });
    expect(await client.hasBlob('team/app', `sha256:${'c'.repeat(64)}`)).toBe(false);
    expect(seen.filter((s) => s.url.startsWith('/token')).length).toBe(3);
    expect(seen.at(-1)?.authorization).toBe('Bearer t3');
  });

  it('names the token server and its status when the credentials are refused', async () => {
    const { fetchFn } = fakeRegistry({ tokenLifetime: 300 });
    const client = new RegistryClient({
      registry: 'reg.example',
      fetch: fetchFn,
      credentials: { username: 'u', password: 'x' },
    });
    await expect(client.hasBlob('team/app', `sha256:${'a'.repeat(64)}`)).rejects.toThrow(
      'registry reg.example: token request to https://auth.example/token failed: 401: denied (check the registry credentials)',
    );
  });

  it('retries each of several concurrent first requests once, with one token request between them', async () => {
    const { seen, fetchFn } = fakeRegistry({ tokenLifetime: 300 });
    const client = new RegistryClient({
      registry: 'reg.example',
      fetch: fetchFn,
      credentials: { username: 'u', password: 'p' },
    });
    const digests = ['a', 'b', 'c', 'd', 'e'].map((c) => `sha256:${c.repeat(64)}` as const);
    expect(await Promise.all(digests.map((d) => client.hasBlob('team/app', d)))).toEqual(digests.map(() => false));
    expect(seen.filter((s) => s.url.startsWith('/token'))).toHaveLength(1);
    for (const d of digests) {
      expect(seen.filter((s) => s.url === `/v2/team/app/blobs/${d}`).map((s) => s.authorization)).toEqual([
        null,
        'Bearer t1',
      ]);
    }
  });

  it('Basic: concurrent first requests are each retried once with the credentials; refused ones are not', async () => {
    const good = `Basic ${Buffer.from('u:p').toString('base64')}`;
    const seen: (string | null)[] = [];
    const fetchFn = (async (_input: string | URL | Request, init?: RequestInit) => {
      const auth = new Headers(init?.headers).get('authorization');
      seen.push(auth);
      return auth === good
        ? new Response(null, { status: 404 })
        : new Response(null, { status: 401, headers: { 'www-authenticate': 'Basic realm="reg"' } });
    }) as typeof fetch;
    const client = new RegistryClient({
      registry: 'reg.example',
      fetch: fetchFn,
      credentials: { username: 'u', password: 'p' },
    });
    const digests = ['a', 'b', 'c', 'd'].map((c) => `sha256:${c.repeat(64)}` as const);
    expect(await Promise.all(digests.map((d) => client.hasBlob('team/app', d)))).toEqual(digests.map(() => false));
    expect(seen.filter((a) => a === null)).toHaveLength(4);
    expect(seen.filter((a) => a === good)).toHaveLength(4);

    let password = 'old';
    const rotating = new RegistryClient({
      registry: 'reg.example',
      fetch: fetchFn,
      credentials: async () => ({ username: 'u', password }),
    });
    await expect(rotating.hasBlob('team/app', digests[0] as `sha256:${string}`)).rejects.toThrow(/401/);
    password = 'p'; // a credentials function is asked again after its credentials were refused
    expect(await rotating.hasBlob('team/app', digests[0] as `sha256:${string}`)).toBe(false);
  });
});
