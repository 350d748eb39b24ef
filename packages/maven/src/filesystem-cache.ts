// A cache directory with the Actions cache's semantics: `<dir>/<key>.tar` entries, restore by the
// exact key else the newest entry with a restore-key prefix, immutable entries written atomically
// (a temp file renamed into place, so a reader never sees half an entry). An entry whose files are
// all in place already is not extracted again (see cache-entry-in-place.ts).
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Exec, exec, execChecked } from '@bakeline/toolkit';
import type { CacheBackend } from './cache-backend.ts';
import { entryInPlace, parseTarListing } from './cache-entry-in-place.ts';

const SAFE_KEY = /^[A-Za-z0-9._-]+$/;

export class FilesystemCache implements CacheBackend {
  readonly name = 'filesystem';
  readonly dir: string;
  readonly #exec: Exec;
  /** Whether the last restore found the entry's files in place and extracted nothing. */
  lastRestoreInPlace = false;

  constructor(dir: string, run: Exec = exec) {
    this.dir = dir;
    this.#exec = run;
  }

  entryFile(key: string): string {
    if (!SAFE_KEY.test(key)) throw new Error(`cache key '${key}': expected only [A-Za-z0-9._-]`);
    return join(this.dir, `${key}.tar`);
  }

  /** The key an entry would be restored from, without restoring it. */
  lookup(key: string, restoreKeys: string[]): string | undefined {
    if (!existsSync(this.dir)) return undefined;
    if (existsSync(this.entryFile(key))) return key;
    const entries = readdirSync(this.dir)
      .filter((f) => f.endsWith('.tar') && SAFE_KEY.test(f.slice(0, -4)))
      .map((f) => ({ key: f.slice(0, -4), mtime: statSync(join(this.dir, f)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime || b.key.localeCompare(a.key));
    for (const prefix of restoreKeys) {
      const hit = entries.find((e) => e.key.startsWith(prefix));
      if (hit) return hit.key;
    }
    return undefined;
  }

  async restore(path: string, key: string, restoreKeys: string[]): Promise<string | undefined> {
    const matched = this.lookup(key, restoreKeys);
    if (!matched) return undefined;
    this.lastRestoreInPlace = await this.#inPlace(matched, path);
    if (this.lastRestoreInPlace) return matched;
    mkdirSync(path, { recursive: true });
    await execChecked('tar', ['-xf', this.entryFile(matched), '-C', path], {}, this.#exec);
    return matched;
  }

  async #inPlace(key: string, path: string): Promise<boolean> {
    if (!existsSync(path)) return false;
    const listing = await this.#exec('tar', ['--full-time', '--quoting-style=escape', '-tvf', this.entryFile(key)], {
      env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
    });
    if (listing.exitCode !== 0) return false;
    const entries = parseTarListing(listing.stdout);
    return entries !== undefined && entryInPlace(entries, path);
  }

  async save(path: string, key: string): Promise<boolean> {
    const file = this.entryFile(key);
    if (existsSync(file)) return false;
    if (!existsSync(path)) throw new Error(`cache: nothing to save at ${path}`);
    mkdirSync(this.dir, { recursive: true });
    const temp = `${file}.${process.pid}.${Date.now()}.partial`;
    try {
      await execChecked('tar', ['-cf', temp, '-C', path, '.'], {}, this.#exec);
      renameSync(temp, file);
    } finally {
      rmSync(temp, { force: true });
    }
    return true;
  }
}
