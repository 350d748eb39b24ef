// Which request gets which fault, decided from a seed. A decision depends only on the seed, the
// request's key (method, path with upload session ids and pod names folded, the digest it names,
// and whether it is a watch) and how
// many requests with that key came before: a retry of the same operation is the next occurrence
// of its key. So one seed gives the same faults on every run, whatever order concurrent
// operations interleave in.
// A request that names no operation is never faulted: the POST that opens a registry upload
// session, and the PATCH, GET and DELETE of a session, name no blob (the session id is made up by
// the registry), so concurrent uploads to one repository share their key. A fault planned for
// the key's n-th occurrence would land on whichever upload came n-th, and the seed would no
// longer decide how many faults each upload meets, nor whether a push succeeds. The PUT that
// closes a session names its digest, as do a blob's HEAD and a mount: their faults are the
// blob's own.
// Three classes of request draw from their own kinds: uploads and writes (a body), watches
// (`watch=1` or `watch=true` in the query: the Kubernetes API's streams) and the rest.
import { createHash } from 'node:crypto';

/** Kinds for any HTTP service (the registry, ECR, STS, EKS). */
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

/**
 * Kinds for the Kubernetes API only: `status-409` (Conflict, in the API's Status shape) and
 * `cut-watch` (a watch stream closed in the middle).
 */
export const KUBE_FAULT_KINDS = ['status-409', 'cut-watch'] as const;

export const ALL_FAULT_KINDS = [...FAULT_KINDS, ...KUBE_FAULT_KINDS] as const;

export type FaultKind = (typeof ALL_FAULT_KINDS)[number];

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
  /** Kinds drawn for watch requests (default `kinds`). */
  watchKinds?: readonly FaultKind[];
  /** Share of watch requests that get a fault; default `rate`. */
  watchRate?: number;
  /**
   * A watch key is faulted on its first N occurrences only (default: every occurrence). How often
   * a client re-opens a watch depends on how long what it waits for takes; with a limit, the
   * faults injected stay exact for a seed.
   */
  watchFaultLimit?: number;
  /**
   * Names for digests in request keys (a blob's place in the image: `config`, `layer 1`), so that
   * a seed draws its faults from the shape of what is pushed, not from its bytes: an image whose
   * base was rebuilt from newer packages has other digests, and without names it meets other
   * faults under the same seed.
   */
  digestNames?: Readonly<Record<string, string>>;
}

/** Whether the request is a watch (`watch=1` or `watch=true`), as the Kubernetes API reads it. */
export function isWatch(url: string): boolean {
  const watch = new URL(url, 'http://fault.invalid').searchParams.get('watch');
  return watch === '1' || watch === 'true';
}

/** The key of a request: retries of one operation share it. Digests with a name in `digestNames` appear by that name. */
export function requestKey(request: FaultRequest, digestNames: Readonly<Record<string, string>> = {}): string {
  const url = new URL(request.url, 'http://fault.invalid');
  // an upload session and a pod's name are made up by the server: retries and re-runs differ in them
  const path = url.pathname
    .replace(/\/blobs\/uploads\/[^/]+$/, '/blobs/uploads/{session}')
    .replace(/\/namespaces\/([^/]+)\/pods\/[^/]+/, '/namespaces/$1/pods/{pod}');
  const digest = url.searchParams.get('digest') ?? url.searchParams.get('mount') ?? '';
  const key = `${request.method} ${path}${digest ? ` ${digest}` : ''}${isWatch(request.url) ? ' watch' : ''}`;
  return key.replace(/sha256:[0-9a-f]{64}/g, (d) => (Object.hasOwn(digestNames, d) ? `{${digestNames[d]}}` : d));
}

/**
 * Whether the request names the one operation it belongs to, so that its faults can be planned
 * per operation: false for a registry upload request that names no digest (see above).
 */
export function namesOneOperation(request: FaultRequest): boolean {
  const url = new URL(request.url, 'http://fault.invalid');
  if (!/\/v2\/.+\/blobs\/uploads\//.test(url.pathname)) return true;
  return url.searchParams.has('digest') || url.searchParams.has('mount');
}

export class FaultPlan {
  readonly seed: number;
  readonly rate: number;
  readonly bodyRate: number;
  readonly watchRate: number;
  readonly #kinds: readonly FaultKind[];
  readonly #bodyKinds: readonly FaultKind[];
  readonly #watchKinds: readonly FaultKind[];
  readonly #watchFaultLimit: number;
  readonly #digestNames: Readonly<Record<string, string>>;
  readonly #seen = new Map<string, number>();

  constructor(options: FaultPlanOptions) {
    if (!Number.isSafeInteger(options.seed)) throw new Error(`fault plan: seed ${options.seed}: expected an integer`);
    if (!(options.rate >= 0 && options.rate <= 1)) throw new Error(`fault plan: rate ${options.rate}: expected 0..1`);
    this.seed = options.seed;
    this.rate = options.rate;
    this.bodyRate = options.bodyRate ?? options.rate;
    if (!(this.bodyRate >= 0 && this.bodyRate <= 1))
      throw new Error(`fault plan: bodyRate ${this.bodyRate}: expected 0..1`);
    this.watchRate = options.watchRate ?? options.rate;
    if (!(this.watchRate >= 0 && this.watchRate <= 1))
      throw new Error(`fault plan: watchRate ${this.watchRate}: expected 0..1`);
    this.#kinds = options.kinds ?? FAULT_KINDS.filter((k) => k !== 'drop-mid-body');
    this.#bodyKinds = options.bodyKinds ?? ['drop-mid-body'];
    this.#watchKinds = options.watchKinds ?? this.#kinds;
    if (this.#kinds.length === 0 || this.#bodyKinds.length === 0 || this.#watchKinds.length === 0)
      throw new Error('fault plan: no fault kinds');
    const limit = options.watchFaultLimit ?? Number.POSITIVE_INFINITY;
    if (!(limit >= 0)) throw new Error(`fault plan: watchFaultLimit ${limit}: expected a count`);
    this.#watchFaultLimit = limit;
    this.#digestNames = options.digestNames ?? {};
  }

  /** The fault for this request, or undefined to pass it through; `occurrence` counts from 1. */
  decide(request: FaultRequest): { key: string; occurrence: number; fault: FaultKind | undefined } {
    const key = requestKey(request, this.#digestNames);
    const occurrence = (this.#seen.get(key) ?? 0) + 1;
    this.#seen.set(key, occurrence);
    const draw = createHash('sha256').update(`${this.seed}\0${key}\0${occurrence}`).digest();
    const roll = draw.readUInt32BE(0) / 0x1_0000_0000;
    if (!namesOneOperation(request)) return { key, occurrence, fault: undefined };
    const watch = !request.hasBody && isWatch(request.url);
    if (watch && occurrence > this.#watchFaultLimit) return { key, occurrence, fault: undefined };
    if (roll >= (request.hasBody ? this.bodyRate : watch ? this.watchRate : this.rate))
      return { key, occurrence, fault: undefined };
    const kinds = request.hasBody ? this.#bodyKinds : watch ? this.#watchKinds : this.#kinds;
    return { key, occurrence, fault: kinds[draw.readUInt32BE(4) % kinds.length] };
  }
}
