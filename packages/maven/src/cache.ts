// Two backends behind one interface: the Actions cache service (@actions/cache) where the runner
// offers it, and a filesystem cache directory otherwise (the local runner and the tests), with the
// same semantics: restore by exact key, else the newest entry with a restore-key prefix; save a
// new key only (entries are immutable).
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as actionsCache from '@actions/cache';
import { type Exec, exec, execChecked } from '@bakeline/toolkit';

export interface CacheBackend {
  readonly name: string;
  /** The key that was restored (exact or by prefix), or undefined. */
  restore(path: string, key: string, restoreKeys: string[]): Promise<string | undefined>;
  /** Saves under `key`; false when the entry exists already. */
  save(path: string, key: string): Promise<boolean>;
}

const SAFE_KEY = /^[A-Za-z0-9._-]+$/;

export class FilesystemCache implements CacheBackend {
  readonly name = 'filesystem';
  readonly #dir: string;
  readonly #exec: Exec;

  constructor(dir: string, run: Exec = exec) {
    this.#dir = dir;
    this.#exec = run;
  }

  #file(key: string): string {
    if (!SAFE_KEY.test(key)) throw new Error(`cache key '${key}' has characters outside [A-Za-z0-9._-]`);
    return join(this.#dir, `${key}.tar`);
  }

  async restore(path: string, key: string, restoreKeys: string[]): Promise<string | undefined> {
    if (!existsSync(this.#dir)) return undefined;
    let file = this.#file(key);
    let matched: string | undefined = existsSync(file) ? key : undefined;
    if (!matched) {
      const entries = readdirSync(this.#dir)
        .filter((f) => f.endsWith('.tar'))
        .map((f) => ({ key: f.slice(0, -4), mtime: statSync(join(this.#dir, f)).mtimeMs }))
        .sort((a, b) => b.mtime - a.mtime);
      for (const prefix of restoreKeys) {
        const hit = entries.find((e) => e.key.startsWith(prefix));
        if (hit) {
          matched = hit.key;
          file = this.#file(hit.key);
          break;
        }
      }
    }
    if (!matched) return undefined;
    mkdirSync(path, { recursive: true });
    await execChecked('tar', ['-xf', file, '-C', path], {}, this.#exec);
    return matched;
  }

  async save(path: string, key: string): Promise<boolean> {
    const file = this.#file(key);
    if (existsSync(file)) return false;
    if (!existsSync(path)) throw new Error(`cache: nothing to save at ${path}`);
    mkdirSync(this.#dir, { recursive: true });
    const temp = `${file}.${process.pid}.${Date.now()}.partial`;
    try {
      await execChecked('tar', ['-cf', temp, '-C', path, '.'], {}, this.#exec);
      renameSync(temp, file); // atomic: a reader never sees half an entry
    } finally {
      rmSync(temp, { force: true });
    }
    return true;
  }
}

export class ActionsCache implements CacheBackend {
  readonly name = 'actions';

  static available(env: Record<string, string | undefined> = process.env): boolean {
    return Boolean(env.ACTIONS_RESULTS_URL || env.ACTIONS_CACHE_URL) && actionsCache.isFeatureAvailable();
  }

  async restore(path: string, key: string, restoreKeys: string[]): Promise<string | undefined> {
    mkdirSync(dirname(path), { recursive: true });
    return actionsCache.restoreCache([path], key, restoreKeys);
  }

  async save(path: string, key: string): Promise<boolean> {
    try {
      await actionsCache.saveCache([path], key);
      return true;
    } catch (error: unknown) {
      if (error instanceof actionsCache.ReserveCacheError) return false;
      throw error;
    }
  }
}
