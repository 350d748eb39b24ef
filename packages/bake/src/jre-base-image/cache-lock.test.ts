import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { withLock } from './cache-lock.ts';

const temp = mkdtempSync(join(tmpdir(), 'bakeline-lock-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('withLock', () => {
  test('runs holders one after the other', async () => {
    const lock = join(mkdtempSync(join(temp, 'case-')), 'x.lock');
    const events: string[] = [];
    const holder = (name: string) =>
      withLock(
        lock,
        async () => {
          events.push(`${name} in`);
          await new Promise((r) => setTimeout(r, 50));
          events.push(`${name} out`);
        },
        { pollMs: 10 },
      );
    await Promise.all([holder('a'), holder('b')]);
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out']);
  });

  test('takes over a lock whose owner process is gone', async () => {
    const lock = join(mkdtempSync(join(temp, 'case-')), 'x.lock');
    mkdirSync(lock);
    // pid 2^22 + 1 is above Linux's pid_max limit, so no process has it
    writeFileSync(join(lock, 'owner'), `${2 ** 22 + 1}\n${hostname()}\n`);
    await expect(withLock(lock, async () => 'ran', { timeoutMs: 1000 })).resolves.toBe('ran');
  });

  test('gives up after the timeout while a live owner holds it, naming the owner', async () => {
    const lock = join(mkdtempSync(join(temp, 'case-')), 'x.lock');
    mkdirSync(lock);
    writeFileSync(join(lock, 'owner'), `${process.pid}\n${hostname()}\n`);
    let clock = 0;
    await expect(
      withLock(lock, async () => 'ran', {
        timeoutMs: 5000,
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
        },
      }),
    ).rejects.toThrow(`still held by pid ${process.pid}`);
  });

  test('releases the lock when the work fails', async () => {
    const lock = join(mkdtempSync(join(temp, 'case-')), 'x.lock');
    await expect(withLock(lock, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(withLock(lock, async () => 'again', { timeoutMs: 100 })).resolves.toBe('again');
  });
});
