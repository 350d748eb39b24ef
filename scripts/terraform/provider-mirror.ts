// Where the machine keeps the hashicorp/aws provider as a Terraform filesystem mirror. The provider
// cannot be downloaded here (ENVIRONMENT.md), so the project's Terraform CLI configuration points
// at this directory in place: nothing is copied (the provider is 675 MB unpacked).
//
// Looked for, in order: BAKELINE_TERRAFORM_MIRROR; the directories Terraform itself searches as
// implied local mirrors on Linux (CLI configuration docs, "Implied Local Mirror Directories");
// then a bounded walk of the file system (depth 6, as `find / -maxdepth 6` would).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The provider the modules need, as `<hostname>/<namespace>/<type>` inside a mirror. */
export const AWS_PROVIDER = 'registry.terraform.io/hashicorp/aws';

export interface MirrorSearch {
  env?: NodeJS.ProcessEnv;
  /** Root of the bounded walk (default `/`). */
  root?: string;
  /** Depth of the bounded walk, counted to the provider's directory (default 6). */
  maxDepth?: number;
}

/** Directories never walked: kernel file systems, and trees that hold no plugin mirror. */
const SKIPPED = new Set(['/proc', '/sys', '/dev', '/run', '/tmp', '/var/lib/docker']);

/** True when `dir` holds at least one version of the aws provider in unpacked or packed layout. */
export function isProviderMirror(dir: string): boolean {
  const provider = join(dir, AWS_PROVIDER);
  try {
    return statSync(provider).isDirectory() && readdirSync(provider).length > 0;
  } catch {
    return false;
  }
}

/** Terraform's implied local mirror directories on Linux, in its own order. */
export function impliedMirrorDirectories(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME ?? homedir();
  const dataHome = env.XDG_DATA_HOME || join(home, '.local/share');
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':').filter(Boolean);
  return [join(home, '.terraform.d/plugins'), ...[dataHome, ...dataDirs].map((d) => join(d, 'terraform/plugins'))];
}

function walk(root: string, maxDepth: number): string | undefined {
  // breadth first, so a shallow mirror is found before the walk goes deep
  const depthOfProvider = AWS_PROVIDER.split('/').length;
  let level = [root];
  for (let depth = 0; depth <= maxDepth - depthOfProvider && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      if (isProviderMirror(dir)) return dir;
      let entries: import('node:fs').Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        const path = join(dir, e.name);
        if (e.isDirectory() && !SKIPPED.has(path) && e.name !== 'node_modules' && e.name !== '.git') next.push(path);
      }
    }
    level = next;
  }
  return undefined;
}

/** The mirror directory (the one holding `registry.terraform.io/`), or an error saying where it was looked for. */
export function findProviderMirror(search: MirrorSearch = {}): string {
  const env = search.env ?? process.env;
  const explicit = env.BAKELINE_TERRAFORM_MIRROR;
  if (explicit !== undefined && explicit !== '') {
    if (isProviderMirror(explicit)) return explicit;
    throw new Error(
      `BAKELINE_TERRAFORM_MIRROR is '${explicit}'; expected a Terraform filesystem mirror holding ${AWS_PROVIDER}/<version>/`,
    );
  }
  const implied = impliedMirrorDirectories(env).find((d) => existsSync(d) && isProviderMirror(d));
  if (implied) return implied;
  const found = walk(search.root ?? '/', search.maxDepth ?? 6);
  if (found) return found;
  throw new Error(
    `no Terraform plugin mirror with ${AWS_PROVIDER} on this machine (looked in ${impliedMirrorDirectories(env).join(', ')} and ${search.root ?? '/'} to depth ${search.maxDepth ?? 6}); the machine image provides it, or set BAKELINE_TERRAFORM_MIRROR`,
  );
}
