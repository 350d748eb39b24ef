import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FILE_RANGE_CHUNK, fileRange, fileRangeChunks, writeFileRange } from './file-range.ts';

const MiB = 1024 * 1024;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fixtureFile(size: number): { path: string; bytes: Buffer } {
  const bytes = randomBytes(size);
  const dir = mkdtempSync(join(tmpdir(), 'file-range-'));
  dirs.push(dir);
  const path = join(dir, 'blob');
  writeFileSync(path, bytes);
  return { path, bytes };
}

/**
 * A sink that takes chunks and calls back later, as a socket does once the kernel has the bytes:
 * it holds every callback until no new chunk has come for QUIET_MS (the writer is waiting for a
 * buffer), then releases the oldest one.
 */
const QUIET_MS = 60;
class SlowSink extends EventEmitter {
  readonly received: Buffer[] = [];
  readonly pending: { chunk: Uint8Array; copy: Buffer; done: () => void }[] = [];
  maxPending = 0;
  changedBeforeCallback = 0;
  #timer: NodeJS.Timeout | undefined;

  write(chunk: Uint8Array, done: () => void): boolean {
    this.pending.push({ chunk, copy: Buffer.from(chunk), done });
    this.maxPending = Math.max(this.maxPending, this.pending.length);
    this.#arm();
    return false;
  }

  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#releaseOldest(), QUIET_MS);
  }

  #releaseOldest(): void {
    const next = this.pending.shift();
    if (!next) return;
    if (!Buffer.from(next.chunk).equals(next.copy)) this.changedBeforeCallback++;
    this.received.push(next.copy);
    next.done();
    if (this.pending.length > 0) this.#arm();
  }
}

describe('writeFileRange', () => {
  it('sends exactly the range, through at most 4 buffers, none read into before the sink took it', async () => {
    const { path, bytes } = fixtureFile(9 * MiB + 12345);
    const start = 777;
    const length = 7 * MiB + 4321;
    const observed: Buffer[] = [];
    const sink = new SlowSink();
    await writeFileRange(
      fileRange(path, start, length, (chunk) => observed.push(Buffer.from(chunk))),
      sink,
      () => false,
    );
    while (sink.pending.length > 0) await new Promise((r) => setTimeout(r, 5));
    const expected = bytes.subarray(start, start + length);
    expect(Buffer.concat(sink.received).equals(expected)).toBe(true);
    expect(Buffer.concat(observed).equals(expected)).toBe(true);
    expect(sink.received.every((c) => c.length <= FILE_RANGE_CHUNK)).toBe(true);
    expect(sink.maxPending).toBe(4);
    expect(sink.changedBeforeCallback).toBe(0);
  });

  it('stops when the request is answered early, and does not wait for a sink that closed', async () => {
    const { path } = fixtureFile(8 * MiB);
    const sink = new SlowSink();
    let stop = false;
    sink.write = function (this: SlowSink, chunk, done) {
      // never calls back: the socket went away with the bytes
      this.pending.push({ chunk, copy: Buffer.from(chunk), done });
      if (this.pending.length === 2) {
        setTimeout(() => {
          stop = true;
          this.emit('close');
        }, 5);
      }
      return false;
    };
    await writeFileRange(fileRange(path, 0, 8 * MiB), sink, () => stop);
    expect(sink.pending.length).toBeLessThanOrEqual(4);
  });

  it('fails naming the file when it is shorter than the range (changed while sent)', async () => {
    const { path } = fixtureFile(MiB);
    await expect(writeFileRange(fileRange(path, 0, 2 * MiB), new SlowSink(), () => false)).rejects.toThrow(
      `${path}: ended at byte ${MiB}, expected ${2 * MiB} (the file changed while it was read)`,
    );
  });

  it('sends nothing for an empty range', async () => {
    const sink = new SlowSink();
    await writeFileRange(fileRange('/nonexistent/never-opened', 0, 0), sink, () => false);
    expect(sink.received).toEqual([]);
  });
});

describe('fileRangeChunks', () => {
  it('yields the same bytes as chunks of their own, observed in order', async () => {
    const { path, bytes } = fixtureFile(3 * MiB + 5);
    const observed: Buffer[] = [];
    const chunks: Buffer[] = [];
    for await (const chunk of fileRangeChunks(fileRange(path, 5, 3 * MiB, (c) => observed.push(Buffer.from(c))))) {
      chunks.push(Buffer.from(chunk));
    }
    expect(Buffer.concat(chunks).equals(bytes.subarray(5))).toBe(true);
    expect(Buffer.concat(observed).equals(bytes.subarray(5))).toBe(true);
  });

  it('fails naming the file when it is shorter than the range', async () => {
    const { path } = fixtureFile(1000);
    const drain = async () => {
      for await (const _ of fileRangeChunks(fileRange(path, 0, 2000))) {
        // consume
      }
    };
    await expect(drain()).rejects.toThrow(`${path}: ended at byte 1000, expected 2000`);
  });
});
