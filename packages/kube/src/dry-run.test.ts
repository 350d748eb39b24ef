// The dry run of a promotion's documents against a small local HTTP server on 127.0.0.1 that
// answers the first dry runs with a 409 of the API server's shape.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient } from './client.ts';
import { DRY_RUN_CONFLICT_ATTEMPTS, DryRunRefusedError, dryRunDocuments } from './dry-run.ts';
import type { ManifestDocument } from './manifests.ts';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const CONFIG_MAP: ManifestDocument = {
  file: 'k8s/config.yaml',
  index: 1,
  manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { GREETING: 'hello' } },
};

const refusal = (code: number, reason: string) => (res: ServerResponse) => {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason,
      code,
      message: `Operation cannot be fulfilled on configmaps "settings": injected ${reason}`,
    }),
  );
};

/** Answers the n-th request with `answers[n]`, then 200 with the object; records method and dryRun. */
async function serve(answers: ((res: ServerResponse) => void)[]): Promise<{ client: KubeClient; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push(`${req.method} ${url.searchParams.get('dryRun') ?? ''}`);
      const answer = answers[seen.length - 1];
      if (answer) return answer(res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...CONFIG_MAP.manifest, metadata: { name: 'settings', namespace: 'dev' } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => server.close());
  const client = new KubeClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  closers.push(() => client.close());
  return { client, seen };
}

const noWait = { sleep: async () => {} };

describe('dryRunDocuments', () => {
  it('sends a dry run answered 409 Conflict again: it stores nothing, and a conflict can pass', async () => {
    const { client, seen } = await serve([refusal(409, 'Conflict'), refusal(409, 'Conflict')]);
    await dryRunDocuments(client, [CONFIG_MAP], 'dev', [], noWait);
    expect(seen).toEqual(['PATCH All', 'PATCH All', 'PATCH All']);
  });

  it('gives up after its attempts, with the refusal and "nothing was changed"', async () => {
    const { client, seen } = await serve(Array.from({ length: 10 }, () => refusal(409, 'Conflict')));
    const error = await dryRunDocuments(client, [CONFIG_MAP], 'dev', [], noWait).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DryRunRefusedError);
    expect((error as Error).message).toMatch(/ConfigMap\/settings.*Conflict; nothing was changed/);
    expect(seen).toHaveLength(DRY_RUN_CONFLICT_ATTEMPTS);
  });

  it.each([
    [409, 'AlreadyExists'],
    [403, 'Forbidden'],
    [422, 'Invalid'],
  ])('does not send it again after %i %s: the server refused the document itself', async (code, reason) => {
    const { client, seen } = await serve([refusal(code, reason)]);
    await expect(dryRunDocuments(client, [CONFIG_MAP], 'dev', [], noWait)).rejects.toThrow(DryRunRefusedError);
    expect(seen).toEqual(['PATCH All']);
  });
});
