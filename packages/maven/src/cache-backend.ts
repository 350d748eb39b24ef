// The local repository cache behind one interface, with the Actions cache service where the runner
// offers it and a filesystem directory otherwise (the local runner and the tests).
import { type Exec, exec } from '@bakeline/toolkit';
import { ActionsCache } from './actions-cache.ts';
import { FilesystemCache } from './filesystem-cache.ts';

export interface CacheBackend {
  readonly name: string;
  /** Restores `path` from `key`, else from the newest entry starting with a restore key; the key restored, or undefined. */
  restore(path: string, key: string, restoreKeys: string[]): Promise<string | undefined>;
  /** Saves `path` under `key`; false when that entry exists already (entries are immutable). */
  save(path: string, key: string): Promise<boolean>;
  /** True when the last restore found every file of the entry in place and extracted nothing. */
  readonly lastRestoreInPlace?: boolean;
}

/** The Actions cache when `ACTIONS_CACHE_URL`/`ACTIONS_RESULTS_URL` say the service is there, else `cacheDir`. */
export function selectCacheBackend(
  cacheDir: string,
  env: Record<string, string | undefined> = process.env,
  run: Exec = exec,
): CacheBackend {
  return ActionsCache.available(env) ? new ActionsCache() : new FilesystemCache(cacheDir, run);
}
