// Cancellation as the GitHub runner does it: SIGINT, then SIGTERM about 7.5 s later, then the
// process is killed. The first signal aborts the work through an AbortSignal, whose reason is a
// CancelledError saying what the step did about it; the work unwinds through its `finally` blocks.
// SIGTERM means time is nearly up: tracked scratch directories are removed synchronously, then the
// action's `onTerminate` runs (remove containers now, fail the step and end the process, ...).
// The handlers stay until `dispose`: a second signal never kills the process mid-cleanup.
// A cancel that lands as the work ends still fails the step: call `throwIfCancelled()` after it.
// After `dispose`, a late signal still fails the step (exit code 1): the process keeps a listener
// to the end, because a signal Node caught while its last listener was being removed is dropped,
// and the step would exit 0 although the runner cancelled it.
// Pure: the action passes its logger, `setFailed` and `process.exit` in; nothing here imports
// @actions/core.
import { rmSync } from 'node:fs';

export type CancelSignal = 'SIGINT' | 'SIGTERM';

/** The step was cancelled; the message says what was stopped and removed (and whether a re-run is safe). */
export class CancelledError extends Error {
  readonly signalName: CancelSignal;
  constructor(signalName: CancelSignal, message: string) {
    super(message);
    this.name = 'CancelledError';
    this.signalName = signalName;
  }
}

/** Where signals come from: `process`, or a test's stand-in. */
export interface SignalSource {
  on(event: CancelSignal, listener: () => void): unknown;
  off(event: CancelSignal, listener: () => void): unknown;
}

export interface CancellationOptions {
  /** The message of the CancelledError the work is aborted with. */
  message: (signal: CancelSignal) => string;
  /** Reports the first signal (before the abort). */
  onCancel: (signal: CancelSignal) => void;
  /** Reports a later signal, while the work still unwinds (default: nothing). */
  onRepeat?: (signal: CancelSignal) => void;
  /** On SIGTERM, after the abort and the removal of tracked scratch directories. */
  onTerminate?: (reason: CancelledError) => void;
  /** A signal after `dispose` (the work is over): default, report it and set process.exitCode = 1. */
  onLate?: (signal: CancelSignal) => void;
  signals?: SignalSource;
}

export class Cancellation {
  readonly #options: CancellationOptions;
  readonly #controller = new AbortController();
  readonly #scratch = new Set<string>();
  readonly #signals: SignalSource;
  readonly #onInt = () => this.#cancel('SIGINT');
  readonly #onTerm = () => this.#terminate();
  readonly #onLateInt = () => this.#late('SIGINT');
  readonly #onLateTerm = () => this.#late('SIGTERM');

  constructor(options: CancellationOptions) {
    this.#options = options;
    this.#signals = options.signals ?? process;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Starts listening for SIGINT and SIGTERM. */
  install(): this {
    this.#signals.on('SIGINT', this.#onInt);
    this.#signals.on('SIGTERM', this.#onTerm);
    return this;
  }

  /**
   * The work is over. Later signals no longer abort anything but still fail the step. The late
   * listeners go on before the others come off, so that a signal is never left without one.
   */
  dispose(): void {
    this.#signals.on('SIGINT', this.#onLateInt);
    this.#signals.on('SIGTERM', this.#onLateTerm);
    this.#signals.off('SIGINT', this.#onInt);
    this.#signals.off('SIGTERM', this.#onTerm);
  }

  /** A scratch directory to remove at SIGTERM, even if the work cannot end in time. */
  track(dir: string): void {
    this.#scratch.add(dir);
  }

  /** `error` as the step should report it: the cancellation, when there was one. */
  explain(error: unknown): unknown {
    const reason = this.#controller.signal.reason;
    return this.#controller.signal.aborted && reason instanceof CancelledError ? reason : error;
  }

  /** Throws the CancelledError if a signal came, even as the work was ending. */
  throwIfCancelled(): void {
    this.#controller.signal.throwIfAborted();
  }

  #cancel(signalName: CancelSignal): void {
    if (this.#controller.signal.aborted) {
      this.#options.onRepeat?.(signalName);
      return;
    }
    this.#options.onCancel(signalName);
    this.#controller.abort(new CancelledError(signalName, this.#options.message(signalName)));
  }

  #late(signalName: CancelSignal): void {
    if (this.#options.onLate) {
      this.#options.onLate(signalName);
      return;
    }
    this.#options.onCancel(signalName);
    process.exitCode = 1;
  }

  #terminate(): void {
    this.#cancel('SIGTERM');
    for (const dir of this.#scratch) rmSync(dir, { recursive: true, force: true });
    this.#options.onTerminate?.(this.#controller.signal.reason as CancelledError);
  }
}
