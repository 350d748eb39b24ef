// One watch stream: initial state (or the history after a resourceVersion), then live changes,
// as JSON lines; label/field selectors are applied to the object before and after a change, so
// an object that stops matching is sent as DELETED. Ends at its timeout or when stopped.
import type { ServerResponse } from 'node:http';
import type { ResourceDef } from './resources.ts';
import { type FieldRequirement, matchesFields, matchesRequirements, type Requirement } from './selectors.ts';
import { KubeStatusError } from './status.ts';
import { metaOf, type Obj, type ObjectStore, type StoreEvent } from './store.ts';

export interface WatchRequest {
  def: ResourceDef;
  namespace: string | undefined;
  labels: Requirement[];
  fields: FieldRequirement[];
  resourceVersion: string | undefined;
  timeoutMs: number;
  sendInitialEvents: boolean;
  allowBookmarks: boolean;
}

export class WatchStream {
  readonly #res: ServerResponse;
  readonly #store: ObjectStore;
  readonly #request: WatchRequest;
  #lastRv = 0;
  #unsubscribe: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #done: Promise<void>;
  #finish: () => void = () => {};

  constructor(res: ServerResponse, store: ObjectStore, request: WatchRequest) {
    this.#res = res;
    this.#store = store;
    this.#request = request;
    this.#done = new Promise((resolve) => {
      this.#finish = resolve;
    });
  }

  get done(): Promise<void> {
    return this.#done;
  }

  #matches(o: Obj | undefined): boolean {
    if (!o) return false;
    const meta = metaOf(o);
    if (this.#request.namespace !== undefined && meta.namespace !== this.#request.namespace) return false;
    return matchesRequirements(meta.labels, this.#request.labels) && matchesFields(o, this.#request.fields);
  }

  #send(type: string, object: unknown): void {
    if (this.#res.writableEnded || this.#res.destroyed) return;
    this.#res.write(`${JSON.stringify({ type, object })}\n`);
  }

  #deliver(e: StoreEvent): void {
    if (e.def !== this.#request.def || e.rv <= this.#lastRv) return;
    this.#lastRv = e.rv;
    const now = this.#matches(e.object);
    const before = e.type === 'MODIFIED' ? this.#matches(e.previous) : now;
    if (e.type === 'ADDED' && now) this.#send('ADDED', e.object);
    else if (e.type === 'DELETED' && now) this.#send('DELETED', e.object);
    else if (e.type === 'MODIFIED') {
      if (now && before) this.#send('MODIFIED', e.object);
      else if (now) this.#send('ADDED', e.object);
      else if (before) this.#send('DELETED', e.object);
    }
  }

  start(): void {
    const { def, resourceVersion } = this.#request;
    this.#res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    // Send the headers now, as the API server does: a client (client-go's reflector) waits for
    // them before it can stop a watch on which nothing happens.
    this.#res.flushHeaders();
    const pending: StoreEvent[] = [];
    let replaying = true;
    this.#unsubscribe = this.#store.subscribe((e) => {
      if (replaying) pending.push(e);
      else this.#deliver(e);
    });
    try {
      if (
        resourceVersion === undefined ||
        resourceVersion === '' ||
        resourceVersion === '0' ||
        this.#request.sendInitialEvents
      ) {
        const rv = Number(this.#store.resourceVersion);
        for (const o of this.#store.list(def, this.#request.namespace, (x) => this.#matches(x))) this.#send('ADDED', o);
        this.#lastRv = rv;
        if (this.#request.sendInitialEvents && this.#request.allowBookmarks) {
          this.#send('BOOKMARK', {
            kind: def.kind,
            apiVersion: def.group === '' ? def.version : `${def.group}/${def.version}`,
            metadata: { resourceVersion: String(rv), annotations: { 'k8s.io/initial-events-end': 'true' } },
          });
        }
      } else {
        const rv = Number(resourceVersion);
        if (!Number.isInteger(rv) || rv < 0) {
          this.#send(
            'ERROR',
            new KubeStatusError(400, 'BadRequest', `invalid resource version "${resourceVersion}"`).status,
          );
          this.stop();
          return;
        }
        this.#lastRv = rv;
        for (const e of this.#store.eventsSince(def, rv)) this.#deliver(e);
      }
    } catch (error: unknown) {
      if (error instanceof KubeStatusError) {
        this.#send('ERROR', error.status);
        this.stop();
        return;
      }
      throw error;
    } finally {
      replaying = false;
    }
    for (const e of pending) this.#deliver(e);
    this.#timer = setTimeout(() => this.stop(), this.#request.timeoutMs);
    this.#res.once('close', () => this.stop());
  }

  /** Cuts the connection without ending the stream cleanly (a restart, a proxy's idle timeout). */
  drop(): void {
    this.#res.destroy();
    this.stop();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (!this.#res.writableEnded) this.#res.end();
    this.#finish();
  }
}
