// A lock between processes of one machine (two test files, two CLI calls): a directory created
// atomically, holding the owner's pid. A lock whose owner is gone is taken over. Waiting is
// bounded in time.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface LockOptions {
  /** Give up after this long (default 30 min: a cold base image build takes minutes). */
  timeoutMs?: number;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  onWait?: (owner: string) => void;
}

function ownerAlive(lockDir: string): { alive: boolean; owner: string } {
  let text = '';
  try {
    text = readFileSync(join(lockDir, 'owner'), 'utf8');
  } catch {
    // the owner is between mkdir and writing its pid: treat as alive
    return { alive: true, owner: 'unknown (starting)' };
  }
  const [pidText = '', host = ''] = text.split('\n');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isSafeInteger(pid) || pid <= 0) return { alive: true, owner: text.trim() };
  try {
    process.kill(pid, 0);
    return { alive: true, owner: `pid ${pid}` };
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    return { alive: code === 'EPERM', owner: `pid ${pid}` };
  }
}

/** Takes the lock at `lockDir`, runs `fn`, releases the lock. */
export async function withLock<T>(lockDir: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + (options.timeoutMs ?? 30 * 60_000);
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'owner'), `${process.pid}\n${hostname()}\n`);
      break;
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new Error(`lock: could not create ${lockDir}: ${(error as Error).message}`, { cause: error });
      }
    }
    const { alive, owner } = ownerAlive(lockDir);
    if (!alive) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (now() > deadline) throw new Error(`lock: ${lockDir} is still held by ${owner}; gave up waiting`);
    if (!announced) {
      options.onWait?.(owner);
      announced = true;
    }
    await sleep(options.pollMs ?? 1000);
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
