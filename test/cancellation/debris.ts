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

/**
 * What identifies this suite's own debris on an engine other suites may share: the platform-test
 * run ID prefix (GITHUB_RUN_ID) on labelled containers and networks, the revision label
 * (GITHUB_SHA) docker-bake puts on its temporary images, the path of the suite's scratch directory
 * in a process's command line.
 */
export interface Owner {
  runId: string;
  revision: string;
  scratch: string;
}

async function revisionOf(image: string): Promise<string> {
  const format = '{{index .Config.Labels "org.opencontainers.image.revision"}}';
  const r = await exec('docker', ['image', 'inspect', '--format', format, image], { timeoutMs: 60_000 });
  return r.exitCode === 0 ? r.stdout.trim() : '';
}

async function labelled(kind: 'ps' | 'network', owner: Owner): Promise<string[]> {
  const format = `{{.ID}} {{.Name${kind === 'ps' ? 's' : ''}}} {{.Label "${LABEL}"}}`;
  const args =
    kind === 'ps'
      ? ['ps', '--all', '--no-trunc', '--format', format, '--filter', `label=${LABEL}`]
      : ['network', 'ls', '--no-trunc', '--format', format, '--filter', `label=${LABEL}`];
  return (await lines('docker', args)).filter((l) => l.split(' ')[2]?.startsWith(`${owner.runId}-`));
}

export async function readDebris(
  roots: readonly string[],
  owner: Owner,
  ignore: (path: string) => boolean,
): Promise<Debris> {
  // the engine and the process table are asked side by side; the files are read meanwhile
  const asked = Promise.all([
    lines('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']).then(temporaryTags(owner)),
    lines('ps', ['-eo', 'pid=,args=']),
    labelled('ps', owner),
    labelled('network', owner),
  ]);
  const files = Object.fromEntries(Object.entries(snapshotFiles(roots)).filter(([p]) => !ignore(p)));
  const [tags, ps, containers, networks] = await asked;
  return {
    containers,
    networks,
    tags,
    files,
    processes: ps.filter((p) => p.includes(owner.scratch) && !p.includes(' ps -eo')),
  };
}

/** The temporary tags among `images` that are this suite's. */
function temporaryTags(owner: Owner): (images: string[]) => Promise<string[]> {
  return async (images) => {
    const temporary = images.filter((i) => TEMPORARY_REPOSITORIES.some((r) => i.startsWith(`${r}:`)));
    // platform-test's tags name the digest under test: kept; docker-bake's are told apart by revision
    const ours = (image: string) =>
      image.startsWith('bakeline-platform-test/') ? true : revisionOf(image).then((r) => r === owner.revision);
    const kept = await Promise.all(temporary.map(ours));
    return temporary.filter((_, i) => kept[i]);
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
