// File and command checks, run inside the container (docker exec, like goss and
// container-structure-test); they need `stat` and `cat` in the image for file checks.
import type { DockerCli } from '../docker-cli.ts';
import type { CommandCheck, FileCheck } from '../spec-schema.ts';

export async function runFileCheck(docker: DockerCli, container: string, check: FileCheck): Promise<string[]> {
  const stat = await docker.raw(['exec', container, 'stat', '-c', '%a %u:%g %F', check.path]);
  const exists = stat.exitCode === 0;
  if (!check.exists) return exists ? [`${check.path} exists`] : [];
  if (!exists) return [`${check.path} does not exist`];
  const problems: string[] = [];
  const [mode = '', owner = ''] = stat.stdout.trim().split(' ');
  if (check.mode && Number.parseInt(mode, 8) !== Number.parseInt(check.mode, 8)) {
    problems.push(`${check.path} has mode ${mode.padStart(4, '0')}, expected ${check.mode}`);
  }
  if (check.owner && owner !== check.owner)
    problems.push(`${check.path} is owned by ${owner}, expected ${check.owner}`);
  if (check.contentMatches) {
    const content = await docker.raw(['exec', container, 'cat', check.path]);
    if (content.exitCode !== 0) problems.push(`${check.path} could not be read: ${content.stderr.trim()}`);
    else if (!new RegExp(check.contentMatches, 'm').test(content.stdout))
      problems.push(`${check.path} does not match /${check.contentMatches}/`);
  }
  return problems;
}

export async function runCommandCheck(docker: DockerCli, container: string, check: CommandCheck): Promise<string[]> {
  const result = await docker.raw(['exec', container, ...check.run], 120_000);
  const problems: string[] = [];
  const expect = check.expect;
  if (result.exitCode !== expect.exitCode) problems.push(`exit code ${result.exitCode}, expected ${expect.exitCode}`);
  if (expect.stdoutMatches && !new RegExp(expect.stdoutMatches, 'm').test(result.stdout)) {
    problems.push(`stdout does not match /${expect.stdoutMatches}/: ${JSON.stringify(result.stdout.slice(0, 200))}`);
  }
  if (expect.stderrMatches && !new RegExp(expect.stderrMatches, 'm').test(result.stderr)) {
    problems.push(`stderr does not match /${expect.stderrMatches}/: ${JSON.stringify(result.stderr.slice(0, 200))}`);
  }
  return problems;
}
