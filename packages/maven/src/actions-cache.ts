// The Actions cache service through @actions/cache (restore by key, then restore-key prefixes).
// @actions/cache (with the Azure storage client, 1.5 MB of the bundle) is loaded only when the
// service is there and a restore or save runs, so the action starts without it.
import { mkdirSync } from 'node:fs';
import type { CacheBackend } from './cache-backend.ts';

export class ActionsCache implements CacheBackend {
  readonly name = 'actions';

  /** The same test as @actions/cache's isFeatureAvailable, on the given environment. */
  static available(env: Record<string, string | undefined> = process.env): boolean {
    let host = 'GITHUB.COM';
    try {
      host = new URL(env.GITHUB_SERVER_URL || 'https://github.com').hostname.toUpperCase();
    } catch {
      // an unparsable server URL is not GHES' concern here: treat as github.com
    }
    const ghes = host !== 'GITHUB.COM' && !host.endsWith('.GHE.COM') && !host.endsWith('.LOCALHOST');
    const v2 = !ghes && Boolean(env.ACTIONS_CACHE_SERVICE_V2);
    return v2 ? Boolean(env.ACTIONS_RESULTS_URL) : Boolean(env.ACTIONS_CACHE_URL);
  }

  async restore(path: string, key: string, restoreKeys: string[]): Promise<string | undefined> {
    mkdirSync(path, { recursive: true });
    const actionsCache = await import('@actions/cache');
    return actionsCache.restoreCache([path], key, restoreKeys);
  }

  async save(path: string, key: string): Promise<boolean> {
    const actionsCache = await import('@actions/cache');
    try {
      await actionsCache.saveCache([path], key);
      return true;
    } catch (error: unknown) {
      // Another job saved this key first: entries are immutable, nothing to do.
      if (error instanceof actionsCache.ReserveCacheError) return false;
      throw error;
    }
  }
}
