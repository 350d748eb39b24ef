// Layer findings kept by layer digest, so a warm bake does not read the base image's layers
// again (the JRE base is ~480 MB uncompressed; its dpkg status takes seconds to reach). A layer
// digest names its bytes, so what was read from them once holds forever. Each entry carries the
// sha256 of its findings and is checked on read; an entry that does not verify is read afresh
// and replaced. Written to a temporary name and renamed, so a reader never sees half an entry.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LayerFindings } from './layer-scan.ts';

/** Bumped whenever what a scan finds changes, so old entries are never read. */
export const FINDINGS_VERSION = 1;

interface Entry {
  version: number;
  layer: string;
  collectFiles: boolean;
  sha256: string;
  findings: LayerFindings;
}

const digestOf = (findings: LayerFindings) => createHash('sha256').update(JSON.stringify(findings)).digest('hex');

export class FindingsCache {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = join(dir, `v${FINDINGS_VERSION}`);
  }

  #path(layer: string, collectFiles: boolean): string {
    if (!/^sha256:[0-9a-f]{64}$/.test(layer))
      throw new Error(`findings cache: layer digest '${layer}': expected sha256:<64 hex>`);
    return join(this.#dir, `${layer.slice('sha256:'.length)}${collectFiles ? '-files' : ''}.json`);
  }

  /** The entry for the layer, when there is one and it verifies; `invalid` says why one was refused. */
  get(layer: string, collectFiles: boolean): { findings?: LayerFindings; invalid?: string } {
    let text: string;
    try {
      text = readFileSync(this.#path(layer, collectFiles), 'utf8');
    } catch {
      return {};
    }
    try {
      const entry = JSON.parse(text) as Entry;
      if (entry.version !== FINDINGS_VERSION || entry.layer !== layer || entry.collectFiles !== collectFiles) {
        return { invalid: 'it names another layer or version' };
      }
      if (digestOf(entry.findings) !== entry.sha256) return { invalid: 'its findings do not match their sha256' };
      return { findings: entry.findings };
    } catch (error: unknown) {
      return { invalid: `it is not JSON (${(error as Error).message})` };
    }
  }

  put(layer: string, collectFiles: boolean, findings: LayerFindings): void {
    const path = this.#path(layer, collectFiles);
    mkdirSync(this.#dir, { recursive: true });
    const entry: Entry = { version: FINDINGS_VERSION, layer, collectFiles, sha256: digestOf(findings), findings };
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      writeFileSync(temporary, JSON.stringify(entry));
      renameSync(temporary, path);
    } finally {
      rmSync(temporary, { force: true });
    }
  }
}
