// The AWS query protocol (STS): parameters from a GET query or a form-encoded POST body, XML
// responses, and errors in AWS's shape:
// <ErrorResponse><Error><Type>Sender</Type><Code>..</Code><Message>..</Message></Error><RequestId>..</RequestId></ErrorResponse>
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export class QueryProtocolError extends Error {
  readonly code: string;
  readonly status: number;
  readonly type: 'Sender' | 'Receiver';
  constructor(code: string, message: string, status = 400, type: 'Sender' | 'Receiver' = 'Sender') {
    super(message);
    this.code = code;
    this.status = status;
    this.type = type;
  }
}

export function xmlEscape(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );
}

/** `<Name>value</Name>` for each defined entry (values escaped; nested XML passed as `{ xml }`). */
export function xmlElements(fields: Record<string, string | { xml: string } | undefined>): string {
  return Object.entries(fields)
    .filter((entry): entry is [string, string | { xml: string }] => entry[1] !== undefined)
    .map(([name, value]) => `<${name}>${typeof value === 'string' ? xmlEscape(value) : value.xml}</${name}>`)
    .join('');
}

export function newRequestId(): string {
  return randomUUID();
}

export function sendXml(res: ServerResponse, status: number, xml: string, requestId: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}\n`;
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': String(Buffer.byteLength(body)),
    'x-amzn-requestid': requestId,
  });
  res.end(body);
}

export function sendQueryError(res: ServerResponse, error: QueryProtocolError, requestId: string, xmlns: string): void {
  sendXml(
    res,
    error.status,
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>${error.type}</Type><Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    requestId,
  );
}

/** Parameters of a query-protocol request: the URL query, and a form-encoded POST body on top. */
export function queryParameters(
  method: string,
  url: URL,
  contentType: string | undefined,
  body: Buffer,
): Map<string, string> {
  const params = new Map<string, string>();
  for (const [k, v] of url.searchParams) params.set(k, v);
  if (method === 'POST') {
    const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
    if (body.length > 0 && type !== 'application/x-www-form-urlencoded') {
      throw new QueryProtocolError(
        'InvalidParameterValue',
        `Content-Type: got '${contentType ?? ''}'; expected application/x-www-form-urlencoded`,
      );
    }
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
  } else if (method !== 'GET') {
    throw new QueryProtocolError('InvalidAction', `The HTTP method ${method} is not supported.`, 405);
  }
  return params;
}

/** AWS's validation message: "1 validation error detected: Value '..' at '..' failed to satisfy constraint: ..". */
export class ValidationErrors {
  readonly #messages: string[] = [];

  add(value: string | undefined, member: string, constraint: string): void {
    this.#messages.push(
      `Value ${value === undefined ? 'null' : `'${value}'`} at '${member}' failed to satisfy constraint: ${constraint}`,
    );
  }

  throwIfAny(code = 'ValidationError'): void {
    const n = this.#messages.length;
    if (n === 0) return;
    throw new QueryProtocolError(
      code,
      `${n} validation error${n === 1 ? '' : 's'} detected: ${this.#messages.join('; ')}`,
    );
  }
}
