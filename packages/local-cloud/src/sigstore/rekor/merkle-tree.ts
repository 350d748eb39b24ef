// An append-only RFC 6962 Merkle tree (section 2.1): leaf hash SHA-256(0x00 || leaf), node hash
// SHA-256(0x01 || left || right), and the audit path (inclusion proof) of a leaf in a tree of a
// given size, ordered from the leaf upwards, as Rekor and @sigstore/verify use it.
import { createHash } from 'node:crypto';

export function leafHash(leaf: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(leaf)
    .digest();
}

function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest();
}

/** The largest power of two strictly below n (n >= 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export class MerkleTree {
  readonly #leaves: Buffer[] = [];

  get size(): number {
    return this.#leaves.length;
  }

  /** Appends a leaf (already hashed with `leafHash`); returns its index. */
  append(hashedLeaf: Buffer): number {
    this.#leaves.push(hashedLeaf);
    return this.#leaves.length - 1;
  }

  /** MTH(D[0:size]). */
  rootHash(size: number = this.size): Buffer {
    if (size < 1 || size > this.size) throw new Error(`Merkle tree: no tree of size ${size}`);
    return this.#hash(0, size);
  }

  /** PATH(index, D[0:size]) of RFC 6962 section 2.1.1. */
  inclusionProof(index: number, size: number = this.size): Buffer[] {
    if (index < 0 || index >= size || size > this.size) {
      throw new Error(`Merkle tree: no leaf ${index} in a tree of size ${size}`);
    }
    return this.#path(index, 0, size);
  }

  #hash(start: number, end: number): Buffer {
    const n = end - start;
    if (n === 1) {
      const leaf = this.#leaves[start];
      if (!leaf) throw new Error(`Merkle tree: no leaf ${start}`);
      return leaf;
    }
    const k = split(n);
    return nodeHash(this.#hash(start, start + k), this.#hash(start + k, end));
  }

  #path(index: number, start: number, end: number): Buffer[] {
    const n = end - start;
    if (n === 1) return [];
    const k = split(n);
    if (index < k) return [...this.#path(index, start, start + k), this.#hash(start + k, end)];
    return [...this.#path(index - k, start + k, end), this.#hash(start, start + k)];
  }
}
