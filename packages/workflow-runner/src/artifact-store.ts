// The run's artifacts on local disk, standing in for the Actions artifact service: one directory
// per artifact name under the store root (files kept with their paths relative to the upload
// root), and a manifest with the SHA-256 of each file. Artifacts are immutable once uploaded
// (upload-artifact v4 refuses a second upload under the same name unless `overwrite`).
// A name is a name, never a path: its directory is the name with `%` and `.` percent-encoded
// (`..` becomes `%2E%2E`), so no name reaches outside the store root.
// An upload copies the files (what the job does to its files afterwards never reaches the
// artifact, as with the artifact service); a download hard-links them out of the store where the
// file system allows: an image archive is downloaded by two jobs, and a copy per job made each
// run take hundreds of MB. Each download compares the files with the SHA-256 recorded at upload
// and reports a difference as download-artifact does (a warning: the files are still placed, and
// the digest checks of the steps that use them decide).
import { createHash } from 'node:crypto';
import {
  constants,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

export interface ArtifactFile {
  path: string;
  size: number;
  sha256: string;
}

export interface StoredArtifact {
  id: number;
  name: string;
  files: ArtifactFile[];
  /** SHA-256 over the sorted list of `path sha256` lines. */
  digest: string;
}

const NAME = /^[^"<>|*?\r\n\\/:]+$/;

/** The store directory of an artifact name: `%` and `.` encoded, so `.` and `..` stay names. */
export function directoryName(name: string): string {
  return name.replace(/[%.]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Puts `source`'s bytes at `target`: a hard link, or a copy (a clone where supported) across file systems. */
export function placeFile(source: string, target: string): 'linked' | 'copied' {
  if (existsSync(target)) {
    const [a, b] = [statSync(source), statSync(target)];
    if (a.ino === b.ino && a.dev === b.dev) return 'linked';
    unlinkSync(target);
  }
  try {
    linkSync(source, target);
    return 'linked';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK') throw error;
    copyFileSync(source, target, constants.COPYFILE_FICLONE);
    return 'copied';
  }
}

function walk(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full, base));
    else if (entry.isFile()) out.push(relative(base, full));
  }
  return out.sort();
}

export class ArtifactStore {
  readonly root: string;
  private nextId = 1;

  constructor(root: string) {
    this.root = root;
    mkdirSync(root, { recursive: true });
  }

  private dir(name: string): string {
    return join(this.root, directoryName(name));
  }

  has(name: string): boolean {
    return existsSync(join(this.dir(name), '.manifest.json'));
  }

  names(): string[] {
    return readdirSync(this.root)
      .map((entry) => decodeURIComponent(entry))
      .filter((n) => this.has(n))
      .sort();
  }

  /** Stores `files` (absolute paths) under their path relative to `rootDir`. */
  upload(name: string, rootDir: string, files: readonly string[], overwrite: boolean): StoredArtifact {
    if (!NAME.test(name)) throw new Error(`artifact name '${name}' contains a character that is not allowed`);
    if (this.has(name)) {
      if (!overwrite) throw new Error(`an artifact named '${name}' already exists in this run (set overwrite: true)`);
      rmSync(this.dir(name), { recursive: true, force: true });
    }
    const target = join(this.dir(name), 'files');
    mkdirSync(target, { recursive: true });
    for (const file of files) {
      const rel = relative(rootDir, file);
      if (rel.startsWith(`..${sep}`) || rel === '..')
        throw new Error(`artifact '${name}': ${file} is outside ${rootDir}`);
      mkdirSync(dirname(join(target, rel)), { recursive: true });
      copyFileSync(file, join(target, rel), constants.COPYFILE_FICLONE);
    }
    const stored = this.describe(name, this.nextId++);
    writeFileSync(join(this.dir(name), '.manifest.json'), `${JSON.stringify(stored, null, 2)}\n`);
    return stored;
  }

  private describe(name: string, id: number): StoredArtifact {
    const base = join(this.dir(name), 'files');
    const files = walk(base).map((path) => ({
      path,
      size: statSync(join(base, path)).size,
      sha256: sha256File(join(base, path)),
    }));
    const digest = createHash('sha256')
      .update(files.map((f) => `${f.path} ${f.sha256}\n`).join(''))
      .digest('hex');
    return { id, name, files, digest };
  }

  /** The directory holding an artifact's files (tests use it to tamper with an artifact). */
  filesDir(name: string): string {
    if (!this.has(name))
      throw new Error(`artifact '${name}' was not found in this run (have: ${this.names().join(', ') || 'none'})`);
    return join(this.dir(name), 'files');
  }

  /**
   * Places an artifact's files into `dest` (hard links where possible) and says whether they
   * still match the SHA-256 recorded at upload (`digestMismatch`, as @actions/artifact reports it).
   */
  download(name: string, dest: string): StoredArtifact & { digestMismatch: boolean } {
    const source = this.filesDir(name);
    const recorded = JSON.parse(readFileSync(join(this.dir(name), '.manifest.json'), 'utf8')) as StoredArtifact;
    const now = this.describe(name, recorded.id);
    mkdirSync(dest, { recursive: true });
    for (const file of now.files) {
      mkdirSync(dirname(join(dest, file.path)), { recursive: true });
      placeFile(join(source, file.path), join(dest, file.path));
    }
    return { ...now, digestMismatch: now.digest !== recorded.digest };
  }
}
