// The AWS JSON 1.1 protocol (ECR): POST / with `X-Amz-Target: <Service>.<Operation>` and a JSON
// body; errors `{"__type": "...", "message": "..."}` with the error's HTTP status.
import type { ServerResponse } from 'node:http';
import type { SigV4Error } from './sigv4-verifier.ts';

export class JsonProtocolError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

export function sendJson11(res: ServerResponse, status: number, body: unknown, requestId: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-requestid': requestId,
  });
  res.end(text);
}

export function sendJsonError(
  res: ServerResponse,
  error: { type: string; message: string; status: number },
  requestId: string,
): void {
  sendJson11(res, error.status, { __type: error.type, message: error.message }, requestId);
}

/** Maps a SigV4 failure to the JSON services' authentication errors. */
export function jsonSignatureError(error: SigV4Error): JsonProtocolError {
  switch (error.failure) {
    case 'missing':
      return new JsonProtocolError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
    case 'incomplete':
      return new JsonProtocolError('IncompleteSignatureException', error.message, 403);
    case 'unknown-key':
    case 'bad-token':
      return new JsonProtocolError('UnrecognizedClientException', error.message, 403);
    case 'expired-token':
      return new JsonProtocolError('ExpiredTokenException', error.message, 403);
    default:
      return new JsonProtocolError('InvalidSignatureException', error.message, 403);
  }
}

/** Typed readers for a JSON request body; a wrong type is a SerializationException. */
export class JsonInput {
  readonly #body: Record<string, unknown>;

  constructor(body: unknown) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new JsonProtocolError('SerializationException', 'Start of structure or map expected for the request body');
    }
    this.#body = body as Record<string, unknown>;
  }

  #typeError(name: string, expected: string): JsonProtocolError {
    return new JsonProtocolError('SerializationException', `${name}: expected ${expected}`);
  }

  string(name: string): string | undefined {
    const v = this.#body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw this.#typeError(name, 'a string');
    return v;
  }

  requiredString(name: string): string {
    const v = this.string(name);
    if (v === undefined) {
      throw new JsonProtocolError(
        'InvalidParameterException',
        `Invalid parameter at '${name}' failed to satisfy constraint: 'Member must not be null'`,
      );
    }
    return v;
  }

  number(name: string): number | undefined {
    const v = this.#body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.#typeError(name, 'a number');
    return v;
  }

  boolean(name: string): boolean | undefined {
    const v = this.#body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw this.#typeError(name, 'a boolean');
    return v;
  }

  object(name: string): JsonInput | undefined {
    const v = this.#body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw this.#typeError(name, 'a structure');
    return new JsonInput(v);
  }

  list(name: string): unknown[] | undefined {
    const v = this.#body[name];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw this.#typeError(name, 'a list');
    return v;
  }

  stringList(name: string): string[] | undefined {
    const v = this.list(name);
    if (v === undefined) return undefined;
    if (v.some((x) => typeof x !== 'string')) throw this.#typeError(name, 'a list of strings');
    return v as string[];
  }
}
