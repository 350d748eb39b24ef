// Which request gets which fault, decided from a seed. A decision depends only on the seed, the
// request's key (method, path with upload session ids folded, and the digest it names) and how
// many requests with that key came before: a retry of the same operation is the next occurrence
// of its key. So one seed gives the same faults on every run, whatever order concurrent
// operations interleave in.
import { createHash } from 'node:crypto';

export const FAULT_KINDS = [
  'drop-mid-body',
  'reset-before-response',
  'status-500',
  'status-502',
  'status-503',
  'throttle-429',
  'delay',
  'truncate',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRequest {
  method: string;
  /** The request's path and query, as received. */
  url: string;
  /** Whether the request carries a body (an upload). */
  hasBody: boolean;
}

export interface FaultPlanOptions {
  seed: number;
  /** Share of requests that get a fault, 0..1. */
  rate: number;
  /** Share of requests with a body (uploads) that get a fault; default `rate`. */
  bodyRate?: number;
  /** Kinds drawn for requests without a body (default: every kind but drop-mid-body). */
  kinds?: readonly FaultKind[];
  /** Kinds drawn for requests with a body (default: drop-mid-body alone: the connection dies mid-upload). */
  bodyKinds?: readonly FaultKind[];
}

/** The key of a request: retries of one operation share it. */
export function requestKey(request: FaultRequest): string {
  const url = new URL(request.url, 'http://fault.invalid');
  const path = url.pathname.replace(/\/blobs\/uploads\/[^/]+$/, '/blobs/uploads/{session}');
  const digest = url.searchParams.get('digest') ?? url.searchParams.get('mount') ?? '';
  return `${request.method} ${path}${digest ? ` ${digest}` : ''}`;
}

export class FaultPlan {
  readonly seed: number;
  readonly rate: number;
  readonly bodyRate: number;
  readonly #kinds: readonly FaultKind[];
  readonly #bodyKinds: readonly FaultKind[];
  readonly #seen = new Map<string, number>();

  constructor(options: FaultPlanOptions) {
    if (!Number.isSafeInteger(options.seed)) throw new Error(`fault plan: seed ${options.seed}: expected an integer`);
    if (!(options.rate >= 0 && options.rate <= 1)) throw new Error(`fault plan: rate ${options.rate}: expected 0..1`);
    this.seed = options.seed;
    this.rate = options.rate;
    this.bodyRate = options.bodyRate ?? options.rate;
    if (!(this.bodyRate >= 0 && this.bodyRate <= 1))
      throw new Error(`fault plan: bodyRate ${this.bodyRate}: expected 0..1`);
    this.#kinds = options.kinds ?? FAULT_KINDS.filter((k) => k !== 'drop-mid-body');
    this.#bodyKinds = options.bodyKinds ?? ['drop-mid-body'];
    if (this.#kinds.length === 0 || this.#bodyKinds.length === 0) throw new Error('fault plan: no fault kinds');
  }

  /** The fault for this request, or undefined to pass it through; `occurrence` counts from 1. */
  decide(request: FaultRequest): { key: string; occurrence: number; fault: FaultKind | undefined } {
    const key = requestKey(request);
    const occurrence = (this.#seen.get(key) ?? 0) + 1;
    this.#seen.set(key, occurrence);
    const draw = createHash('sha256').update(`${this.seed}\0${key}\0${occurrence}`).digest();
    const roll = draw.readUInt32BE(0) / 0x1_0000_0000;
    if (roll >= (request.hasBody ? this.bodyRate : this.rate)) return { key, occurrence, fault: undefined };
    const kinds = request.hasBody ? this.#bodyKinds : this.#kinds;
    return { key, occurrence, fault: kinds[draw.readUInt32BE(4) % kinds.length] };
  }
}
