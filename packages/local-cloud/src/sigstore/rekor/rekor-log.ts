// A Rekor-like transparency log (Rekor v1 API shapes): entries appended to an RFC 6962 tree, each
// answered with a signed entry timestamp (the log key's signature over the canonical
// {body, integratedTime, logID, logIndex}) and an inclusion proof against a signed checkpoint
// (a signed note: origin, tree size, root hash, signed by `— <host> <keyhint+sig>`).
import { randomInt } from 'node:crypto';
import { ServiceKey } from '../signing-key.ts';
import { canonicalJson } from './canonical-json.ts';
import { dsseBody, RekorEntryError } from './dsse-entry.ts';
import { leafHash, MerkleTree } from './merkle-tree.ts';

export interface RekorLogEntry {
  body: string;
  integratedTime: number;
  logID: string;
  logIndex: number;
  verification: {
    signedEntryTimestamp: string;
    inclusionProof: { checkpoint: string; hashes: string[]; logIndex: number; rootHash: string; treeSize: number };
  };
}

interface Stored {
  body: Buffer;
  integratedTime: number;
  logIndex: number;
}

export class RekorLog {
  readonly key: ServiceKey;
  readonly #tree = new MerkleTree();
  readonly #entries = new Map<string, Stored>();
  readonly #now: () => Date;
  /** The checkpoint's signer name; @sigstore/verify requires it to be part of the log's base URL. */
  readonly #name: string;
  readonly #treeId = String(randomInt(2 ** 47));

  constructor(options: { now: () => Date; baseUrl: string; key?: ServiceKey }) {
    this.key = options.key ?? ServiceKey.generate();
    this.#now = options.now;
    this.#name = new URL(options.baseUrl).host;
  }

  get size(): number {
    return this.#tree.size;
  }

  /** `POST /api/v1/log/entries`: the new entry, keyed by its UUID. Throws RekorEntryError. */
  createEntry(proposed: unknown): { uuid: string; entry: RekorLogEntry } {
    const body = Buffer.from(canonicalJson(dsseBody(proposed)), 'utf8');
    const hash = leafHash(body);
    const uuid = hash.toString('hex');
    if (this.#entries.has(uuid)) {
      throw new RekorEntryError(409, `An equivalent entry already exists in the transparency log with UUID ${uuid}`);
    }
    const logIndex = this.#tree.append(hash);
    const stored = { body, integratedTime: Math.floor(this.#now().getTime() / 1000), logIndex };
    this.#entries.set(uuid, stored);
    return { uuid, entry: this.#answer(stored) };
  }

  /** `GET /api/v1/log/entries/{uuid}`, with a proof against the current tree; undefined if unknown. */
  getEntry(uuid: string): RekorLogEntry | undefined {
    const stored = this.#entries.get(uuid.toLowerCase());
    return stored ? this.#answer(stored) : undefined;
  }

  /** `GET /api/v1/log`. */
  info(): { rootHash: string; treeSize: number; signedTreeHead: string; treeID: string } {
    const size = this.#tree.size;
    const rootHash = size > 0 ? this.#tree.rootHash(size) : Buffer.alloc(32);
    return {
      rootHash: rootHash.toString('hex'),
      treeSize: size,
      signedTreeHead: this.#checkpoint(size, rootHash),
      treeID: this.#treeId,
    };
  }

  #answer(stored: Stored): RekorLogEntry {
    const logID = this.key.logId.toString('hex');
    const body = stored.body.toString('base64');
    const set = this.key.sign(
      Buffer.from(
        canonicalJson({ body, integratedTime: stored.integratedTime, logID, logIndex: stored.logIndex }),
        'utf8',
      ),
    );
    const treeSize = this.#tree.size;
    const rootHash = this.#tree.rootHash(treeSize);
    return {
      body,
      integratedTime: stored.integratedTime,
      logID,
      logIndex: stored.logIndex,
      verification: {
        signedEntryTimestamp: set.toString('base64'),
        inclusionProof: {
          checkpoint: this.#checkpoint(treeSize, rootHash),
          hashes: this.#tree.inclusionProof(stored.logIndex, treeSize).map((h) => h.toString('hex')),
          logIndex: stored.logIndex,
          rootHash: rootHash.toString('hex'),
          treeSize,
        },
      },
    };
  }

  #checkpoint(size: number, rootHash: Buffer): string {
    const note = `${this.#name} - ${this.#treeId}\n${size}\n${rootHash.toString('base64')}\n`;
    const signature = Buffer.concat([this.key.logId.subarray(0, 4), this.key.sign(Buffer.from(note, 'utf8'))]);
    return `${note}\n\u2014 ${this.#name} ${signature.toString('base64')}\n`;
  }
}
