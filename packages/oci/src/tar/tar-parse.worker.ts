// Test support: parses one archive per message in a worker thread, so a test can bound the time
// and memory of a parse (tar-fuzz.test.ts, tar-hostile.test.ts) and a hang fails the test instead
// of hanging it. Not exported by the package.
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { repackLayerTar } from '../layer/layer-repack.ts';
import { dockerArchiveToLayout } from '../layout/docker-archive-to-layout.ts';
import { unpackLayout } from '../layout/layout-archive.ts';

export type ParseTarget = 'layout' | 'docker' | 'layer';

export interface ParseRequest {
  id: number;
  target: ParseTarget;
  path: string;
  scratch: string;
}

export type ParseReply =
  | { id: number; ok: true }
  | { id: number; ok: false; name: string; message: string }
  | { ready: true };

async function parse(request: ParseRequest): Promise<void> {
  const dir = await mkdtemp(join(request.scratch, 'case-'));
  try {
    if (request.target === 'layout') await unpackLayout(request.path, join(dir, 'layout'));
    else if (request.target === 'docker') {
      await dockerArchiveToLayout(request.path, join(dir, 'layout'), { sourceDateEpoch: 1_700_000_000 });
    } else await repackLayerTar(request.path, { sourceDateEpoch: 1_700_000_000, directory: dir });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

parentPort?.on('message', (request: ParseRequest) => {
  parse(request).then(
    () => parentPort?.postMessage({ id: request.id, ok: true } satisfies ParseReply),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      parentPort?.postMessage({
        id: request.id,
        ok: false,
        name: error instanceof Error ? e.name : typeof error,
        message: e.message,
      } satisfies ParseReply);
    },
  );
});

// the modules are loaded: parse times start now, not with the worker's start-up
parentPort?.postMessage({ ready: true } satisfies ParseReply);
