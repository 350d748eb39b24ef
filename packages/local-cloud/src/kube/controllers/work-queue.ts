// A serial work queue of keys, as client-go's: a key is queued at most once, a key being
// processed and added again runs once more afterwards, delayed adds keep the earliest time.
// Processing stops at stop(); every timer is cleared there.

export interface WorkQueueOptions {
  process: (key: string) => Promise<void>;
  onError?: (key: string, error: unknown) => void;
  /** delays are clamped to this (default 60 s) */
  maxDelayMs?: number;
}

export class WorkQueue {
  readonly #options: WorkQueueOptions;
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  #processing: string | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(options: WorkQueueOptions) {
    this.#options = options;
  }

  add(key: string): void {
    if (this.#stopped) return;
    if (this.#processing === key) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#queue.push(key);
    this.#kick();
  }

  addAfter(key: string, delayMs: number): void {
    if (this.#stopped) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const delay = Math.min(delayMs, this.#options.maxDelayMs ?? 60_000);
    const at = Date.now() + delay;
    const existing = this.#timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, delay);
    this.#timers.set(key, { at, timer });
  }

  #kick(): void {
    if (this.#running || this.#stopped) return;
    this.#running = (async () => {
      while (!this.#stopped) {
        const key = this.#queue.shift();
        if (key === undefined) break;
        this.#queued.delete(key);
        this.#processing = key;
        try {
          await this.#options.process(key);
        } catch (error: unknown) {
          this.#options.onError?.(key, error);
        } finally {
          this.#processing = undefined;
        }
        if (this.#dirty.delete(key)) this.add(key);
      }
    })().finally(() => {
      this.#running = undefined;
      if (this.#queue.length > 0 && !this.#stopped) this.#kick();
    });
  }

  /** Resolves when nothing is queued or running (for tests of the controllers). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#queue.length = 0;
    this.#queued.clear();
    if (this.#running) await this.#running;
  }
}
