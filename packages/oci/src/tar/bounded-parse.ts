// Test support: runs parses in a worker thread with a memory cap and a per-parse time limit. A
// parse that runs over its time is reported as a hang and the worker is replaced; one that runs
// out of memory is reported as such. The limit starts once the worker has loaded its modules, so
// a busy machine's slow start-up is not taken for a hang. Not exported by the package.
import { Worker } from 'node:worker_threads';
import type { ParseReply, ParseRequest, ParseTarget } from './tar-parse.worker.ts';

export type ParseOutcome =
  | { kind: 'parsed' }
  | { kind: 'error'; name: string; message: string }
  | { kind: 'hang'; ms: number }
  | { kind: 'crash'; message: string };

export interface BoundedParserOptions {
  timeoutMs: number;
  /** How long a new worker may take to load (default 60 s). */
  startupMs?: number;
  maxHeapMb: number;
  scratch: string;
}

export class BoundedParser {
  readonly #options: BoundedParserOptions;
  #worker: Worker | undefined;
  #next = 0;

  constructor(options: BoundedParserOptions) {
    this.#options = options;
  }

  #ready: Promise<Worker> | undefined;

  /** A worker that has loaded its modules (started on first use, and again after a hang). */
  #spawn(): Promise<Worker> {
    this.#ready ??= new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(new URL('./tar-parse.worker.ts', import.meta.url), {
        resourceLimits: { maxOldGenerationSizeMb: this.#options.maxHeapMb, maxYoungGenerationSizeMb: 16 },
      });
      this.#worker = worker;
      const startup = this.#options.startupMs ?? 60_000;
      const timer = setTimeout(() => fail(new Error(`parse worker not ready after ${startup} ms`)), startup);
      const fail = (error: Error) => {
        clearTimeout(timer);
        this.#ready = undefined;
        void worker.terminate();
        reject(error);
      };
      worker.once('error', fail);
      worker.on('message', function onReady(message: ParseReply) {
        if (!('ready' in message)) return;
        clearTimeout(timer);
        worker.off('message', onReady).off('error', fail);
        resolve(worker);
      });
    });
    return this.#ready;
  }

  async parse(target: ParseTarget, path: string): Promise<ParseOutcome> {
    const worker = await this.#spawn();
    const id = ++this.#next;
    const started = Date.now();
    return new Promise<ParseOutcome>((resolve) => {
      const finish = (outcome: ParseOutcome, kill: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        if (kill) {
          this.#ready = undefined;
          this.#worker = undefined;
          void worker.terminate();
        }
        resolve(outcome);
      };
      const timer = setTimeout(() => finish({ kind: 'hang', ms: Date.now() - started }, true), this.#options.timeoutMs);
      const onMessage = (reply: ParseReply) => {
        if ('ready' in reply || reply.id !== id) return;
        finish(reply.ok ? { kind: 'parsed' } : { kind: 'error', name: reply.name, message: reply.message }, false);
      };
      const onError = (error: Error) => finish({ kind: 'crash', message: `${error.name}: ${error.message}` }, true);
      const onExit = (code: number) => finish({ kind: 'crash', message: `worker exited with ${code}` }, true);
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage({ id, target, path, scratch: this.#options.scratch } satisfies ParseRequest);
    });
  }

  async close(): Promise<void> {
    await this.#worker?.terminate();
    this.#worker = undefined;
    this.#ready = undefined;
  }
}
