// File checks, run in the container (like goss): existence, type, mode, owner and content, read
// with `stat` and `cat` through `docker exec`, so the image needs those two tools.
import type { DockerCli } from '../docker-cli.ts';
import type { FileCheck } from '../spec-schema.ts';

export interface FileStat {
  type: 'file' | 'directory' | 'symlink' | 'other';
  /** Permission bits, octal, e.g. `644`. */
  mode: string;
  uid: string;
  gid: string;
  user: string;
  group: string;
}

/** `stat -c '%a|%u|%g|%U|%G|%F'` output (GNU coreutils and BusyBox agree on these). */
export function parseStat(output: string): FileStat {
  const [mode = '', uid = '', gid = '', user = '', group = '', kind = ''] = output.trim().split('|');
  const type = /^regular/.test(kind)
    ? 'file'
    : kind === 'directory'
      ? 'directory'
      : kind === 'symbolic link'
        ? 'symlink'
        : 'other';
  return { type, mode, uid, gid, user, group };
}

const NOT_FOUND = /no such file|can't stat|cannot stat/i;
const NO_TOOL = /executable file not found|not found in \$PATH|no such file or directory: unknown/i;

export async function runFileCheck(
  docker: DockerCli,
  container: string,
  check: FileCheck,
  timeoutMs = 30_000,
): Promise<string[]> {
  const result = await docker.execIn(container, ['stat', '-c', '%a|%u|%g|%U|%G|%F', check.path], { timeoutMs });
  if (result.exitCode !== 0 && NO_TOOL.test(result.stderr)) {
    throw new Error(`file checks need 'stat' in the image: ${result.stderr.trim()}`);
  }
  if (result.exitCode !== 0 && !NOT_FOUND.test(result.stderr)) {
    throw new Error(`stat ${check.path} failed (exit code ${result.exitCode}): ${result.stderr.trim()}`);
  }
  const exists = result.exitCode === 0;
  if (!check.exists) return exists ? [`${check.path} exists`] : [];
  if (!exists) return [`${check.path} does not exist`];
  const stat = parseStat(result.stdout);
  const problems: string[] = [];
  if (check.type && stat.type !== check.type)
    problems.push(`${check.path} is a ${stat.type}, expected a ${check.type}`);
  if (check.mode && Number.parseInt(stat.mode, 8) !== Number.parseInt(check.mode, 8)) {
    problems.push(`${check.path} has mode ${stat.mode.padStart(4, '0')}, expected ${check.mode.padStart(4, '0')}`);
  }
  if (check.owner) {
    const ids = `${stat.uid}:${stat.gid}`;
    const names = `${stat.user}:${stat.group}`;
    if (check.owner !== ids && check.owner !== names)
      problems.push(`${check.path} is owned by ${names} (${ids}), expected ${check.owner}`);
  }
  if (check.contentMatches !== undefined || check.contentNotMatches !== undefined) {
    if (stat.type !== 'file' && stat.type !== 'symlink')
      return [...problems, `${check.path} is a ${stat.type}: it has no content to match`];
    const content = await docker.execIn(container, ['cat', check.path], { timeoutMs });
    if (content.exitCode !== 0) return [...problems, `${check.path} could not be read: ${content.stderr.trim()}`];
    if (check.contentMatches !== undefined && !new RegExp(check.contentMatches, 'm').test(content.stdout)) {
      problems.push(`${check.path} does not match /${check.contentMatches}/`);
    }
    if (check.contentNotMatches !== undefined && new RegExp(check.contentNotMatches, 'm').test(content.stdout)) {
      problems.push(`${check.path} matches /${check.contentNotMatches}/`);
    }
  }
  return problems;
}
