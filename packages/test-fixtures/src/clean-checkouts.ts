// Clean checkouts of one commit, as two runners would have them: a source folder committed once
// (fixed author and dates, so the commit is the same on every run) into an origin repository,
// then cloned into separate temporary workspaces; and the JAR maven-build packages in each.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBundledAction } from '@bakeline/test/harness';

/** Commit date of the origin's one commit. */
export const CHECKOUT_COMMIT_DATE = '2024-05-01T12:00:00Z';

export interface CleanCheckouts {
  /** the commit every clone is at */
  sha: string;
  /** the clones' work trees */
  clones: string[];
  /** removes the origin and the clones */
  remove(): void;
}

export interface CleanCheckoutsOptions {
  /** the folder committed (its `target/` folders left out) */
  source: string;
  /** the repository folder's name, e.g. `licensing-service` */
  name: string;
  count: number;
  /** temp folder prefix, e.g. `bakeline-sbom-` */
  prefix: string;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=bakeline', '-c', 'user.email=bakeline@example.invalid', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_DATE: CHECKOUT_COMMIT_DATE, GIT_COMMITTER_DATE: CHECKOUT_COMMIT_DATE },
  }).trim();
}

/** Commits `source` once and clones it `count` times. */
export function cleanCheckouts(options: CleanCheckoutsOptions): CleanCheckouts {
  const folders = [mkdtempSync(join(tmpdir(), `${options.prefix}origin-`))];
  const origin = join(folders[0] ?? '', options.name);
  cpSync(options.source, origin, { recursive: true, filter: (src) => !src.includes('/target') });
  git(origin, 'init', '--quiet', '--initial-branch=main');
  git(origin, 'add', '.');
  git(origin, 'commit', '--quiet', '-m', options.name);
  const clones: string[] = [];
  for (let i = 0; i < options.count; i++) {
    const folder = mkdtempSync(join(tmpdir(), `${options.prefix}checkout-${i}-`));
    folders.push(folder);
    const clone = join(folder, 'ws');
    git(tmpdir(), 'clone', '--quiet', origin, clone);
    clones.push(clone);
  }
  return {
    sha: git(origin, 'rev-parse', 'HEAD'),
    clones,
    remove: () => {
      for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Runs maven-build (`package`, offline, tests skipped) from its bundle in each clone; returns the JARs. */
export async function mavenPackageEach(
  clones: string[],
  github: { sha: string; ref: string; repository: string },
): Promise<string[]> {
  const jars: string[] = [];
  for (const clone of clones) {
    const maven = await runBundledAction('maven-build', {
      workspace: clone,
      github,
      inputs: { goals: 'package', arguments: '-o -DskipTests', cache: 'false' },
      timeoutMs: 300_000,
    });
    if (maven.exitCode !== 0) throw new Error(`maven-build exited ${maven.exitCode} in ${clone}\n${maven.stdout}`);
    jars.push(maven.outputs.artifact ?? '');
  }
  return jars;
}
