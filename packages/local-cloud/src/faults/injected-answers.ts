// The answers the fault proxy gives itself (the upstream untouched), in the shape the service
// behind it would use:
// - `registry`: what a registry or an AWS front sends (OCI error JSON for 429, plain text for 5xx);
// - `kubernetes`: what the API server sends. A 409, 500 or 503 is a `Status` object (the shape of
//   k8s.io/apimachinery's errors.NewConflict, NewInternalError and NewServiceUnavailable); a 429
//   is plain text with `Retry-After: 1`, as the API server's max-in-flight and priority-and-fairness
//   filters write it; a 502 is the HTML page of a load balancer in front of the API server.
import type { FaultKind } from './fault-plan.ts';

export type AnswerStyle = 'registry' | 'kubernetes';

export interface InjectedAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What a Kubernetes API path names: `deployments.apps` and the object's name, for a Conflict's text. */
export function namedResource(path: string): { qualified: string; group: string; resource: string; name: string } {
  const parts = new URL(path, 'http://fault.invalid').pathname.split('/').filter(Boolean);
  // /api/v1/namespaces/<ns>/<resource>/<name> or /apis/<group>/<version>/namespaces/<ns>/<resource>/<name>
  const group = parts[0] === 'apis' ? (parts[1] ?? '') : '';
  const rest = parts.slice(parts[0] === 'apis' ? 3 : 2);
  const scoped = rest[0] === 'namespaces' && rest.length > 2 ? rest.slice(2) : rest;
  const resource = scoped[0] ?? '';
  const name = scoped[1] ?? '';
  return { qualified: group ? `${resource}.${group}` : resource, group, resource, name };
}

function status(code: number, reason: string, message: string, details?: Record<string, unknown>): InjectedAnswer {
  const body = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
  return { status: code, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function kubernetes(kind: FaultKind, path: string): InjectedAnswer {
  switch (kind) {
    case 'status-409': {
      const { qualified, group, resource, name } = namedResource(path);
      return status(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualified} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name, ...(group ? { group } : {}), kind: resource },
      );
    }
    case 'throttle-429':
      return {
        status: 429,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1' },
        body: 'Too many requests, please try again later.\n',
      };
    case 'status-500':
      return status(500, 'InternalError', 'Internal error occurred: fault proxy: injected', {
        causes: [{ message: 'fault proxy: injected' }],
      });
    case 'status-503':
      return status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request');
    case 'status-502':
      return {
        status: 502,
        headers: { 'content-type': 'text/html' },
        body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
      };
    default:
      throw new Error(`fault proxy: ${kind} is not an answer`);
  }
}

function registry(kind: FaultKind): InjectedAnswer {
  if (kind === 'throttle-429') {
    return {
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': '1' },
      body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"fault proxy: throttled"}]}',
    };
  }
  const code = Number(kind.slice('status-'.length));
  if (!Number.isInteger(code)) throw new Error(`fault proxy: ${kind} is not an answer`);
  return { status: code, headers: { 'content-type': 'text/plain' }, body: `fault proxy: injected ${code}\n` };
}

/** The proxy's own answer for a status fault (`status-*`, `throttle-429`). */
export function injectedAnswer(kind: FaultKind, path: string, style: AnswerStyle): InjectedAnswer {
  return style === 'kubernetes' ? kubernetes(kind, path) : registry(kind);
}
