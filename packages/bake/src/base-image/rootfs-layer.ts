// The root filesystem as one gzip layer, hashed while it streams (the tar for the diff ID, the
// gzip for the blob digest). Interim: GNU tar with its reproducibility flags and Node's gzip,
// until @bakeline/oci's writeDeterministicLayer is available.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

export interface WrittenLayer {
  path: string;
  digest: `sha256:${string}`;
  size: number;
  diffId: `sha256:${string}`;
}

function hashing(): { stream: Transform; result: () => { digest: `sha256:${string}`; size: number } } {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  return { stream, result: () => ({ digest: `sha256:${hash.digest('hex')}`, size }) };
}

export async function writeRootfsLayer(
  rootfs: string,
  layerPath: string,
  options: { sourceDateEpoch: number },
): Promise<WrittenLayer> {
  const args = [
    '-C',
    rootfs,
    '--create',
    '--format=posix',
    '--sort=name',
    `--mtime=@${options.sourceDateEpoch}`,
    '--clamp-mtime',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
    '--file=-',
    '.',
  ];
  const tar = spawn('tar', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  tar.stderr.setEncoding('utf8');
  tar.stderr.on('data', (text: string) => {
    stderr += text;
  });
  const exited = new Promise<number>((resolve, reject) => {
    tar.once('error', reject);
    tar.once('close', (code) => resolve(code ?? 128));
  });
  const plain = hashing();
  const compressed = hashing();
  await pipeline(tar.stdout, plain.stream, createGzip({ level: 6 }), compressed.stream, createWriteStream(layerPath));
  const code = await exited;
  if (code !== 0) throw new Error(`base image: tar of ${rootfs} failed with exit code ${code}: ${stderr.trim()}`);
  const { digest, size } = compressed.result();
  return { path: layerPath, digest, size, diffId: plain.result().digest };
}
