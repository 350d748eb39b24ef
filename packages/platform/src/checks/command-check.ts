// Command checks: a command run in the container (`docker exec`), its exit code and output.
import type { DockerCli } from '../docker-cli.ts';
import type { CommandCheck } from '../spec-schema.ts';

const snippet = (text: string) => JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}…` : text);

export async function runCommandCheck(docker: DockerCli, container: string, check: CommandCheck): Promise<string[]> {
  const result = await docker.execIn(container, check.run, {
    timeoutMs: check.timeout,
    ...(check.env ? { env: check.env } : {}),
    ...(check.user ? { user: check.user } : {}),
    ...(check.workdir ? { workdir: check.workdir } : {}),
  });
  const { expect } = check;
  const problems: string[] = [];
  if (result.exitCode !== expect.exitCode) {
    problems.push(
      `exit code ${result.exitCode}, expected ${expect.exitCode}${result.stderr ? ` (stderr ${snippet(result.stderr.trim())})` : ''}`,
    );
  }
  const streams = [
    ['stdout', result.stdout, expect.stdoutMatches, expect.stdoutNotMatches],
    ['stderr', result.stderr, expect.stderrMatches, expect.stderrNotMatches],
  ] as const;
  for (const [name, text, matches, notMatches] of streams) {
    if (matches !== undefined && !new RegExp(matches, 'm').test(text)) {
      problems.push(`${name} does not match /${matches}/: ${snippet(text)}`);
    }
    if (notMatches !== undefined && new RegExp(notMatches, 'm').test(text)) {
      problems.push(`${name} matches /${notMatches}/: ${snippet(text)}`);
    }
  }
  return problems;
}
