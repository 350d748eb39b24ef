// What a cancelled step may leave behind, read before and after it: containers and networks
// labelled by bakeline, temporary image tags (docker-bake's `bakeline-bake-tmp:*`, platform-test's
// `bakeline-platform-test/image:*`), files under the directories the step was given, and processes
// whose command line names the suite's scratch directory (Maven's JVM, a docker client).
import { exec } from '@bakeline/toolkit';
import { type FileSnapshot, fileChanges, snapshotFiles } from '../hostile/state-snapshot.ts';

const LABEL = 'io.bakeline.platform-test';
const TEMPORARY_REPOSITORIES = ['bakeline-bake-tmp', 'bakeline-platform-test/image'];

export interface Debris {
  containers: string[];
  networks: string[];
  tags: string[];
  files: FileSnapshot;
  processes: string[];
}

async function lines(command: string, args: string[]): Promise<string[]> {
  const r = await exec(command, args, { timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new Error(`${command} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .sort();
}

export async function readDebris(
  roots: readonly string[],
  marker: string,
  ignore: (path: string) => boolean,
): Promise<Debris> {
  const images = await lines('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']);
  const ps = await lines('ps', ['-eo', 'pid=,args=']);
  const files = Object.fromEntries(Object.entries(snapshotFiles(roots)).filter(([p]) => !ignore(p)));
  return {
    containers: await lines('docker', [
      'ps',
      '--all',
      '--no-trunc',
      '--format',
      '{{.ID}} {{.Names}}',
      '--filter',
      `label=${LABEL}`,
    ]),
    networks: await lines('docker', [
      'network',
      'ls',
      '--no-trunc',
      '--format',
      '{{.ID}} {{.Name}}',
      '--filter',
      `label=${LABEL}`,
    ]),
    tags: images.filter((i) => TEMPORARY_REPOSITORIES.some((r) => i.startsWith(`${r}:`))),
    files,
    processes: ps.filter((p) => p.includes(marker) && !p.includes(' ps -eo')),
  };
}

/** What `after` has that `before` had not: the debris of the step run between them. */
export function leftBehind(before: Debris, after: Debris) {
  const added = (a: string[], b: string[]) => b.filter((x) => !a.includes(x));
  return {
    containers: added(before.containers, after.containers),
    networks: added(before.networks, after.networks),
    tags: added(before.tags, after.tags),
    files: fileChanges(before.files, after.files),
    processes: added(before.processes, after.processes),
  };
}

export const NOTHING = { containers: [], networks: [], tags: [], files: [], processes: [] };
