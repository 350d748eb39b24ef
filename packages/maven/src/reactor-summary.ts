// Maven's reactor summary, the block it prints at the end of a multi-module build:
//
//   [INFO] Reactor Summary for reactor-parent 2.1.0:
//   [INFO]
//   [INFO] reactor-parent ..................................... SUCCESS [  0.003 s]
//   [INFO] common ............................................. FAILURE [  3.604 s]
//   [INFO] licensing-service .................................. SKIPPED
//
// Each line is the project's name (its <name>, else its artifactId), its version when the modules'
// versions differ, dots up to a fixed width (none for a long name), and the outcome. Read from
// Maven 3.8.7's output (ExecutionEventLogger.logReactorSummary); Maven 3.5 prints
// "Reactor Summary:" without the project, and colours are off in batch mode but stripped anyway.

export type ModuleStatus = 'SUCCESS' | 'FAILURE' | 'SKIPPED';

export interface ReactorModule {
  /** The name as printed, with the version when Maven printed one. */
  name: string;
  status: ModuleStatus;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the colour codes Maven may print
const ANSI = /\u001b\[[0-9;]*m/g;
const HEADER = /^\[INFO\] Reactor Summary\b/;
const LINE = /^\[INFO\] (.+?) (?:\.+ )?(SUCCESS|FAILURE|SKIPPED)(?: \[[^\]]*\])?\s*$/;

/** The modules of the last reactor summary in `output`, in build order; empty when there is none. */
export function parseReactorSummary(output: string): ReactorModule[] {
  const lines = output.replace(ANSI, '').split(/\r?\n/);
  let start = -1;
  for (const [i, line] of lines.entries()) if (HEADER.test(line)) start = i;
  if (start < 0) return [];
  const modules: ReactorModule[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\[INFO\]\s*$/.test(line)) continue;
    const match = LINE.exec(line);
    if (!match) break;
    modules.push({ name: (match[1] ?? '').trim(), status: match[2] as ModuleStatus });
  }
  return modules;
}

/** The module's entry: `names` are what Maven may print for it (<name>, artifactId), with or without version. */
export function findModule(
  modules: readonly ReactorModule[],
  names: readonly string[],
  version: string | undefined,
): ReactorModule | undefined {
  const wanted = new Set(names.flatMap((n) => (version ? [n, `${n} ${version}`] : [n])));
  return modules.find((m) => wanted.has(m.name));
}

/**
 * Why the module gave no artifact, when the reactor says so: it was SKIPPED (naming the module
 * that FAILED first) or it FAILED itself. undefined when the summary does not tell.
 */
export function missingArtifactReason(modules: readonly ReactorModule[], target: ReactorModule): string | undefined {
  if (target.status === 'SUCCESS') return undefined;
  if (target.status === 'FAILURE') return `no artifact: module ${target.name} FAILED`;
  const failed = modules.filter((m) => m.status === 'FAILURE').map((m) => m.name);
  const because =
    failed.length === 0
      ? 'the build stopped before it'
      : `module${failed.length > 1 ? 's' : ''} ${failed.join(', ')} FAILED`;
  return `no artifact: module ${target.name} was SKIPPED because ${because}`;
}
