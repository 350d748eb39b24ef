// A byte range of a file, as a request body or a tar entry's data. The HTTP layer sends it through
// a few buffers that are read into again and again (the tar writer reads it straight into its own
// block): a fresh 1 MiB buffer for every read (what a file stream does) costs a page fault per
// 4 KiB and an unmap per buffer, and made an upload to a local registry 25-35% slower than the
// same bytes sent from memory. A buffer is read into again only once the socket has taken its
// previous bytes (the write callback), so no byte is sent after it changed.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

export const FILE_RANGE_CHUNK = 1024 * 1024;
const BUFFERS = 4;

export interface FileRange {
  readonly kind: 'file-range';
  path: string;
  start: number;
  length: number;
  /** Sees every chunk, in order, before it goes out (hashing, progress). */
  observe?: (chunk: Uint8Array) => void;
}

export function fileRange(
  path: string,
  start: number,
  length: number,
  observe?: (chunk: Uint8Array) => void,
): FileRange {
  return observe ? { kind: 'file-range', path, start, length, observe } : { kind: 'file-range', path, start, length };
}

export function isFileRange(body: unknown): body is FileRange {
  return typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'file-range';
}

/** Where the bytes go: a request (node:http ClientRequest) or any writable that calls back once it has taken a chunk. */
export interface ChunkSink {
  write(chunk: Uint8Array, done: (error?: Error | null) => void): boolean;
  once(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

/** The file ended before the range did. */
export function fileRangeEnded(range: FileRange, at: number): Error {
  return new Error(
    `${range.path}: ended at byte ${at}, expected ${range.start + range.length} (the file changed while it was read)`,
  );
}

/**
 * Writes the range to `sink` through BUFFERS reused buffers. Stops early (without error) when
 * `stopped()` says so: the request was answered or destroyed.
 */
export async function writeFileRange(range: FileRange, sink: ChunkSink, stopped: () => boolean): Promise<void> {
  if (range.length === 0) return;
  const handle = await open(range.path, 'r');
  const size = Math.min(FILE_RANGE_CHUNK, range.length);
  const free = Array.from({ length: Math.min(BUFFERS, Math.ceil(range.length / size)) }, () =>
    Buffer.allocUnsafe(size),
  );
  let wake: (() => void) | undefined;
  const wakeUp = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  sink.once('close', wakeUp);
  try {
    for (let sent = 0; sent < range.length; ) {
      while (free.length === 0 && !stopped()) await new Promise<void>((resolve) => (wake = resolve));
      const buffer = free.pop();
      if (buffer === undefined || stopped()) return;
      const want = Math.min(buffer.length, range.length - sent);
      const { bytesRead } = await handle.read(buffer, 0, want, range.start + sent);
      if (bytesRead === 0) throw fileRangeEnded(range, range.start + sent);
      const chunk = buffer.subarray(0, bytesRead);
      range.observe?.(chunk);
      sent += bytesRead;
      if (stopped()) return;
      sink.write(chunk, () => {
        free.push(buffer);
        wakeUp();
      });
    }
  } finally {
    sink.off('close', wakeUp);
    await handle.close();
  }
}

/** The range as chunks of their own (for senders that may keep a chunk after taking it, like fetch). */
export async function* fileRangeChunks(range: FileRange): AsyncGenerator<Uint8Array> {
  if (range.length === 0) return;
  const stream = createReadStream(range.path, {
    start: range.start,
    end: range.start + range.length - 1,
    highWaterMark: FILE_RANGE_CHUNK,
  });
  let sent = 0;
  for await (const chunk of stream) {
    range.observe?.(chunk as Buffer);
    sent += (chunk as Buffer).length;
    yield chunk as Buffer;
  }
  if (sent < range.length) throw fileRangeEnded(range, range.start + sent);
}
