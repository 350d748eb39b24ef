// A scratch stand-in for GitHub's git hosting, on 127.0.0.1: the real `git http-backend` behind
// an HTTP server that authenticates as GitHub does for Actions tokens (HTTP Basic with
// `x-access-token:<token>`, as actions/checkout persists it), and a pre-receive hook with
// GitHub's rule for app tokens: a push that brings a commit which creates or updates a file
// under .github/workflows is refused unless the token has `workflows: write`, with GitHub's text
// "refusing to allow a GitHub App to create or update workflow `<path>` without `workflows`
// permission". Reading needs contents: read, pushing contents: write (403 otherwise).
import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface TokenPermissions {
  /** scope -> read | write */
  permissions: Record<string, string>;
}

export interface GitServer {
  url: string;
  /** Every request: method, path and the answer's status. */
  log: { method: string; path: string; status: number }[];
  close(): Promise<void>;
}

const PRE_RECEIVE = `#!/bin/bash
# GitHub's rule for GitHub App tokens (GITHUB_TOKEN is one): no workflow file without \`workflows\`.
zero=0000000000000000000000000000000000000000
while read -r old new ref; do
  [ "$new" = "$zero" ] && continue
  for commit in $(git rev-list "$new" --not --all); do
    file=$(git diff-tree --no-commit-id --name-only -r --root "$commit" -- .github/workflows | head -n 1)
    if [ -n "$file" ] && [ "$TOKEN_WORKFLOWS" != write ]; then
      echo "refusing to allow a GitHub App to create or update workflow \\\`$file\\\` without \\\`workflows\\\` permission" >&2
      exit 1
    fi
  done
done
`;

/** Installs GitHub's workflow-file rule as the pre-receive hook of a bare repository. */
export function installWorkflowRule(bareRepo: string): void {
  const hook = join(bareRepo, 'hooks', 'pre-receive');
  writeFileSync(hook, PRE_RECEIVE);
  chmodSync(hook, 0o755);
}

const RANK: Record<string, number> = { read: 1, write: 2 };

function tokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  const m = /^basic (.+)$/i.exec(header);
  if (m === null) return undefined;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Serves `<root>/<owner>/<name>.git` repositories; `lookup` says what a token may do. */
export async function startGitServer(
  root: string,
  lookup: (token: string) => TokenPermissions | undefined,
): Promise<GitServer> {
  const log: GitServer['log'] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const answer = (status: number, text: string, headers: Record<string, string> = {}) => {
      log.push({ method: req.method ?? '', path: url.pathname, status });
      res.writeHead(status, { 'content-type': 'text/plain', ...headers });
      res.end(text);
    };
    const token = tokenOf(req);
    const grant = token === undefined ? undefined : lookup(token);
    if (grant === undefined) {
      answer(401, 'Invalid username or token.\n', { 'www-authenticate': 'Basic realm="GitHub"' });
      return;
    }
    const pushing =
      url.pathname.endsWith('/git-receive-pack') || url.searchParams.get('service') === 'git-receive-pack';
    const needed = pushing ? 'write' : 'read';
    if ((RANK[grant.permissions.contents ?? ''] ?? 0) < (RANK[needed] ?? 0)) {
      answer(403, 'Permission denied to github-actions[bot].\n');
      return;
    }
    const input = await body(req);
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        CONTENT_LENGTH: String(input.length),
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        HTTP_GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_USER: 'x-access-token',
        REMOTE_ADDR: '127.0.0.1',
        TOKEN_WORKFLOWS: grant.permissions.workflows ?? 'none',
      },
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', () => {});
    child.stdin.end(input);
    await new Promise<void>((resolve) => child.on('close', () => resolve()));
    const raw = Buffer.concat(out);
    const split = raw.indexOf('\r\n\r\n');
    const head = raw.subarray(0, split).toString('utf8');
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of head.split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'status') status = Number(value.split(' ')[0]);
      else if (name !== '') headers[name] = value;
    }
    log.push({ method: req.method ?? '', path: url.pathname, status });
    res.writeHead(status, headers);
    res.end(raw.subarray(split + 4));
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
