// What the registry front served: one entry per request (method, path with query, status, the
// caller), bounded, for tests (e.g. "the base layers were mounted").

export interface RequestLogEntry {
  time: Date;
  method: string;
  /** Path and query as the client sent them (`/v2/x/blobs/uploads/?mount=...&from=...`). */
  path: string;
  status: number;
  /** The caller's ARN, when authenticated. */
  principal?: string;
  /** For mount requests: whether the blob was mounted (201) or an upload opened (202). */
  mounted?: boolean;
}

export class RequestLog {
  readonly #entries: RequestLogEntry[] = [];
  readonly #limit: number;

  constructor(limit = 20_000) {
    this.#limit = limit;
  }

  add(entry: RequestLogEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.#limit) this.#entries.splice(0, this.#entries.length - this.#limit);
  }

  entries(): RequestLogEntry[] {
    return [...this.#entries];
  }

  /** Lines `METHOD path status`, like an access log. */
  lines(): string[] {
    return this.#entries.map((e) => `${e.method} ${e.path} ${e.status}`);
  }
}
