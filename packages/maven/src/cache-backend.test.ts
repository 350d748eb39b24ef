import { describe, expect, it } from 'vitest';
import { ActionsCache } from './actions-cache.ts';
import { selectCacheBackend } from './cache-backend.ts';

describe('selectCacheBackend', () => {
  it.each([
    [{}, 'filesystem'],
    [{ ACTIONS_CACHE_URL: 'https://artifactcache.actions.githubusercontent.com/x/' }, 'actions'],
    [
      {
        ACTIONS_CACHE_SERVICE_V2: 'true',
        ACTIONS_RESULTS_URL: 'https://results-receiver.actions.githubusercontent.com/',
      },
      'actions',
    ],
    // v2 needs the results URL; v1 (no flag) needs the cache URL, as @actions/cache decides
    [{ ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_CACHE_URL: 'https://x/' }, 'filesystem'],
    [{ ACTIONS_RESULTS_URL: 'https://x/' }, 'filesystem'],
    // GHES has no v2 service: the cache URL decides
    [
      { GITHUB_SERVER_URL: 'https://ghes.example', ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_CACHE_URL: 'https://x/' },
      'actions',
    ],
  ])('%j -> %s', (env, backend) => {
    expect(selectCacheBackend('/tmp/cache', env).name).toBe(backend);
    expect(ActionsCache.available(env)).toBe(backend === 'actions');
  });
});
