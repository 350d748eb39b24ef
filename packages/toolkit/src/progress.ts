import { formatBytes, formatDuration } from './format.ts';
import type { Logger } from './logger.ts';

export interface ProgressOptions {
  label: string;
  /** Total bytes, when known: enables the percentage. */
  total?: number;
  logger: Logger;
  /** At most one line per interval (default 5 s). */
  intervalMs?: number;
  now?: () => number;
}

/** Reports bytes, percent and rate for long transfers, at most once per interval, and once at the end. */
export class ProgressReporter {
  readonly #options: ProgressOptions;
  readonly #now: () => number;
  readonly #started: number;
  #bytes = 0;
  #lastReport: number;

  constructor(options: ProgressOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#started = this.#now();
    this.#lastReport = this.#started;
  }

  get bytes(): number {
    return this.#bytes;
  }

  add(bytes: number): void {
    this.#bytes += bytes;
    const now = this.#now();
    if (now - this.#lastReport >= (this.#options.intervalMs ?? 5000)) {
      this.#lastReport = now;
      this.#options.logger.info(this.line(now));
    }
  }

  done(): void {
    this.#options.logger.info(`${this.line(this.#now())} (done)`);
  }

  line(now: number): string {
    const elapsed = Math.max(now - this.#started, 1);
    const rate = `${formatBytes(Math.round((this.#bytes * 1000) / elapsed))}/s`;
    const { total, label } = this.#options;
    const amount =
      total !== undefined && total > 0
        ? `${formatBytes(this.#bytes)} of ${formatBytes(total)} (${Math.min(100, Math.floor((this.#bytes * 100) / total))}%)`
        : formatBytes(this.#bytes);
    return `${label}: ${amount}, ${rate}, ${formatDuration(elapsed)}`;
  }
}
