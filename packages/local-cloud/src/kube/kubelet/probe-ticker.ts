// When a probe runs next, as the kubelet's probe worker decides it (pkg/kubelet/prober/worker.go):
// the worker probes once, then waits on a time.Ticker of periodSeconds made when it started. The
// period runs from one tick to the next, not from the end of one probe to the start of the next:
// a probe that takes its whole timeout does not push the next one back. A Go ticker's channel
// holds one tick and drops the others, so a probe slower than the period is followed at once by
// the next, and the ticks it overran are lost.

export class ProbeTicker {
  readonly #periodMs: number;
  readonly #now: () => number;
  readonly #started: number;
  /** index of the last tick the worker took (0: none yet, the first probe runs at once) */
  #taken = 0;

  constructor(periodSeconds: number, now: () => number = Date.now) {
    this.#periodMs = periodSeconds * 1000;
    this.#now = now;
    this.#started = now();
  }

  /** Milliseconds from now until the next probe is due (0: at once); takes that tick. */
  next(): number {
    const now = this.#now();
    const next = this.#taken + 1;
    const due = this.#started + next * this.#periodMs;
    if (due > now) {
      this.#taken = next;
      return due - now;
    }
    // the buffered tick is taken at once; every other tick since was dropped
    this.#taken = Math.floor((now - this.#started) / this.#periodMs);
    return 0;
  }
}
