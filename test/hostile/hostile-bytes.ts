// Text that tries to become a workflow command when bakeline relays it: every form the runner
// honours (`::` after .NET white space such as U+0085, `##[` anywhere in a line, a line that
// starts after a lone \r, `%0A` inside a command's data), each carrying MARKER where an injected
// command would carry it. And a 127.0.0.1 server that answers every request with such text.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const MARKER = 'PWNED';

export const HOSTILE_LINES = [
  `::error::${MARKER}-v2`,
  `\u0085::error::${MARKER}-nel`,
  `\u00a0\u3000::warning::${MARKER}-nbsp`,
  `::set-output name=digest::${MARKER}-set-output`,
  `::add-mask::${MARKER}-mask`,
  `##[error]${MARKER}-legacy`,
  `text before ##[set-output name=digest;]${MARKER}-legacy-mid`,
  `progress\r::error::${MARKER}-cr`,
  `%0A::error::${MARKER}-encoded`,
  `::ERROR::${MARKER}-upper`,
  `::stop-commands::${MARKER}stoptoken`,
] as const;

/** The hostile lines joined with \n: what a log, a body or a test name might carry. */
export const HOSTILE_TEXT = HOSTILE_LINES.join('\n');

/** One line, for places that keep a single line (a test name, a header): legacy and U+0085 forms. */
export const HOSTILE_ONE_LINE = `name ##[error]${MARKER}-legacy \u0085::error::${MARKER}-nel`;

export interface HostileServer {
  url: string;
  requests: { method: string; path: string }[];
  close(): Promise<void>;
}

export type Responder = (req: IncomingMessage, res: ServerResponse) => void;

/** A server on 127.0.0.1 that lets `respond` answer, and records what was asked. */
export async function startHostileServer(respond: Responder): Promise<HostileServer> {
  const requests: HostileServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '' });
    req.resume();
    req.on('end', () => respond(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An AWS JSON-protocol error whose message is `text` (what ECR and EKS APIs answer). */
export function awsJsonError(text: string): Responder {
  return (_req, res) => {
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'hostile-1' });
    res.end(JSON.stringify({ __type: 'InvalidParameterException', message: text }));
  };
}

/** An STS query-protocol error whose message is `text`. */
export function stsXmlError(text: string): Responder {
  const escaped = text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  return (_req, res) => {
    res.writeHead(400, { 'content-type': 'text/xml' });
    res.end(
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>${escaped}</Message></Error><RequestId>hostile-1</RequestId></ErrorResponse>`,
    );
  };
}

/** A plain body with `text` (an application's HTTP answer, or a Kubernetes Status message). */
export function plainBody(status: number, text: string, contentType = 'text/plain'): Responder {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(text);
  };
}
