// Cancellation as the GitHub runner does it: SIGINT, then SIGTERM 7.5 s later, then the process is
// killed. SIGINT aborts the work through an AbortSignal (the registry client stops its requests
// and retries), so the work ends through its `finally` blocks, which remove scratch files, and the
// step fails with one line saying it was cancelled and whether a re-run is safe. SIGTERM, if the
// work has still not ended, removes the tracked scratch directories synchronously and ends the
// process: nothing else would run before the kill.
// Every action needs this; it belongs in packages/toolkit (kept here until it moves).
import { rmSync } from 'node:fs';

export type CancelSignal = 'SIGINT' | 'SIGTERM';

/** The step was cancelled; the message says so and whether a re-run is safe. */
export class CancelledError extends Error {
  readonly signalName: CancelSignal;
  constructor(signalName: CancelSignal, message: string) {
    super(message);
    this.name = 'CancelledError';
    this.signalName = signalName;
  }
}

type SignalSource = {
  once(event: CancelSignal, listener: () => void): unknown;
  off(event: CancelSignal, listener: () => void): unknown;
};

export interface CancellationOptions {
  /** Names the step in the message, e.g. `ecr-push`. */
  what: string;
  /** What a re-run does, e.g. `re-running the job is safe: ...`. */
  rerun: string;
  /** Progress line (core.info). */
  log: (line: string) => void;
  /** Fails the step (core.setFailed), on SIGTERM. */
  fail: (message: string) => void;
  /** Ends the process, on SIGTERM (process.exit). */
  exit: (code: number) => void;
  signals?: SignalSource;
}

export class Cancellation {
  readonly #options: CancellationOptions;
  readonly #controller = new AbortController();
  readonly #scratch = new Set<string>();
  readonly #signals: SignalSource;
  readonly #onInt = () => this.#cancel('SIGINT');
  readonly #onTerm = () => this.#terminate();

  constructor(options: CancellationOptions) {
    this.#options = options;
    this.#signals = options.signals ?? process;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Starts listening for SIGINT and SIGTERM. */
  install(): this {
    this.#signals.once('SIGINT', this.#onInt);
    this.#signals.once('SIGTERM', this.#onTerm);
    return this;
  }

  dispose(): void {
    this.#signals.off('SIGINT', this.#onInt);
    this.#signals.off('SIGTERM', this.#onTerm);
  }

  /** A scratch directory to remove even if the work cannot end in time. */
  track(dir: string): void {
    this.#scratch.add(dir);
  }

  /** `error` as the step should report it: the cancellation, when there was one. */
  explain(error: unknown): unknown {
    const reason = this.#controller.signal.reason;
    return this.#controller.signal.aborted && reason instanceof CancelledError ? reason : error;
  }

  #message(signalName: CancelSignal): string {
    return `${this.#options.what} was cancelled (${signalName}): it stopped and removed its scratch files; ${this.#options.rerun}`;
  }

  #cancel(signalName: CancelSignal): void {
    if (this.#controller.signal.aborted) return;
    this.#options.log(`${this.#options.what}: ${signalName} received: stopping, then removing scratch files`);
    this.#controller.abort(new CancelledError(signalName, this.#message(signalName)));
  }

  #terminate(): void {
    this.#cancel('SIGTERM');
    for (const dir of this.#scratch) rmSync(dir, { recursive: true, force: true });
    const reason = this.#controller.signal.reason;
    this.#options.fail(reason instanceof Error ? reason.message : this.#message('SIGTERM'));
    this.#options.exit(1);
  }
}
