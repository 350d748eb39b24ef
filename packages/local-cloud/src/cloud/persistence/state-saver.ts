// Saves the local cloud's state while it runs: every `intervalMs` when it changed (so a killed
// process loses at most that much), and once more at stop.
import { captureState, encodeSavedState, type StateParts, writeSavedState } from './saved-state.ts';

export class StateSaver {
  readonly #stateDir: string;
  readonly #parts: StateParts;
  readonly #onError: (error: unknown) => void;
  #last = '';
  #timer: NodeJS.Timeout | undefined;

  constructor(stateDir: string, parts: StateParts, onError: (error: unknown) => void) {
    this.#stateDir = stateDir;
    this.#parts = parts;
    this.#onError = onError;
  }

  start(intervalMs: number): void {
    this.#timer = setInterval(() => this.save(), intervalMs);
    this.#timer.unref();
  }

  /** Writes the state when it differs from what was last written. */
  save(): void {
    try {
      const text = encodeSavedState(captureState(this.#parts));
      if (text === this.#last) return;
      writeSavedState(this.#stateDir, text);
      this.#last = text;
    } catch (error) {
      this.#onError(error);
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.save();
  }
}
