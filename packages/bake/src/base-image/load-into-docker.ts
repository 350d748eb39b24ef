// Loads an OCI layout's image into the Docker engine with `docker load`: the docker archive is
// streamed (a `manifest.json` beside the layout's own blobs; `docker load` accepts gzip layers),
// never written whole to disk.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec as defaultExec, type Exec, execChecked } from '@bakeline/toolkit';

export interface LoadedIntoDocker {
  /** The engine's image ID (`docker image inspect .Id`). */
  imageId: string;
  repoTag: string;
}

function readManifest(layoutDir: string, digest: string): { config: { digest: string }; layers: { digest: string }[] } {
  const hex = digest.slice('sha256:'.length);
  return JSON.parse(readFileSync(join(layoutDir, 'blobs', 'sha256', hex), 'utf8'));
}

function blobName(digest: string): string {
  return `blobs/sha256/${digest.slice('sha256:'.length)}`;
}

export async function loadLayoutIntoDocker(
  layoutDir: string,
  digest: string,
  repoTag: string,
  options: { exec?: Exec; docker?: string } = {},
): Promise<LoadedIntoDocker> {
  const docker = options.docker ?? 'docker';
  const manifest = readManifest(layoutDir, digest);
  const staging = mkdtempSync(join(tmpdir(), 'bakeline-docker-load-'));
  try {
    const entries = [
      {
        Config: blobName(manifest.config.digest),
        RepoTags: [repoTag],
        Layers: manifest.layers.map((l) => blobName(l.digest)),
      },
    ];
    writeFileSync(join(staging, 'manifest.json'), JSON.stringify(entries));
    const blobs = [...new Set([manifest.config.digest, ...manifest.layers.map((l) => l.digest)])].map(blobName);
    await pipeProcesses(
      ['tar', ['-c', '-f', '-', '-C', staging, 'manifest.json', '-C', layoutDir, ...blobs]],
      [docker, ['load', '--quiet']],
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const inspected = await execChecked(
    docker,
    ['image', 'inspect', '--format', '{{.Id}}', repoTag],
    {},
    options.exec ?? defaultExec,
  );
  const imageId = inspected.stdout.trim();
  // the classic image store names an image by its config digest, the containerd store by its manifest digest
  if (imageId !== manifest.config.digest && imageId !== digest) {
    throw new Error(
      `docker load of ${layoutDir}: ${repoTag} is ${imageId}, expected ${manifest.config.digest} (config) or ${digest} (manifest)`,
    );
  }
  return { imageId, repoTag };
}

/**
 * GNU tar exits 1 with "file changed as we read it" when a file's ctime moves while it is read:
 * another bake hard-linking the same cached base blob does that, though the bytes cannot change
 * (blobs are named by their digest, and `docker load` checks every layer against the config's
 * diff IDs, whose digest is the image ID checked after the load).
 */
export function onlyLinkCountChanges(code: number, stderr: string | undefined): boolean {
  const lines = (stderr ?? '').split('\n').filter((line) => line.trim() !== '');
  return code === 1 && lines.length > 0 && lines.every((line) => line.endsWith('file changed as we read it'));
}

/** `a | b`, both checked: rejects naming whichever failed, with its stderr. */
function pipeProcesses(a: [string, string[]], b: [string, string[]]): Promise<void> {
  return new Promise((resolve, reject) => {
    const first = spawn(a[0], a[1], { stdio: ['ignore', 'pipe', 'pipe'] });
    const second = spawn(b[0], b[1], { stdio: ['pipe', 'pipe', 'pipe'] });
    const stderr = ['', ''];
    first.stderr.on('data', (d: Buffer) => {
      stderr[0] += d.toString();
    });
    second.stderr.on('data', (d: Buffer) => {
      stderr[1] += d.toString();
    });
    second.stdout.resume();
    first.stdout.pipe(second.stdin);
    second.stdin.on('error', () => {
      // reported through the exit code of the second process
    });
    const codes: (number | null)[] = [null, null];
    let settled = false;
    const finish = () => {
      if (settled || codes[0] === null || codes[1] === null) return;
      settled = true;
      const failed = codes[0] !== 0 && !onlyLinkCountChanges(codes[0] ?? 128, stderr[0]) ? 0 : codes[1] !== 0 ? 1 : -1;
      if (failed < 0) resolve();
      else {
        const [cmd, args] = failed === 0 ? a : b;
        reject(new Error(`${cmd} ${args[0]} failed with exit code ${codes[failed]}: ${stderr[failed]?.trim()}`));
      }
    };
    for (const [i, child] of [first, second].entries()) {
      child.once('error', (error) => {
        if (settled) return;
        settled = true;
        reject(new Error(`${i === 0 ? a[0] : b[0]}: could not start: ${error.message}`, { cause: error }));
      });
      child.once('close', (code) => {
        codes[i] = code ?? 128;
        finish();
      });
    }
  });
}
