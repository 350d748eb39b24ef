// What README.md's "Use it on GitHub" section tells a team to write: the build caller (the YAML
// block after `<!-- readme-caller: build.yml -->`) and the repository and environment variable
// names of its tables. Tests use these, so the section cannot drift from what works.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

function section(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Use it on GitHub\n');
  if (start < 0) throw new Error('README.md has no section "## Use it on GitHub"');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The build caller exactly as the README shows it. */
export function readmeBuildCaller(): string {
  const m = /<!-- readme-caller: build\.yml -->\n```yaml\n([\s\S]*?)\n```/.exec(section());
  if (m === null) throw new Error('README.md: no ```yaml block after <!-- readme-caller: build.yml -->');
  return `${m[1]}\n`;
}

function namesBetween(text: string, from: string, to: string): string[] {
  const start = text.indexOf(from);
  const end = text.indexOf(to, start);
  if (start < 0 || end < 0) throw new Error(`README.md: no table between "${from}" and "${to}"`);
  const names = new Set<string>();
  for (const line of text.slice(start, end).split('\n')) {
    if (!line.startsWith('|')) continue;
    const first = line.split('|')[1] ?? '';
    for (const m of first.matchAll(/`(BAKELINE_[A-Z0-9_]+)`/g)) names.add(m[1] as string);
  }
  return [...names].sort();
}

/** Repository variables the README lists. */
export function readmeRepositoryVariables(): string[] {
  return namesBetween(section(), '**Repository variables**', '**Environments**');
}

/** Environment variables the README lists. */
export function readmeEnvironmentVariables(): string[] {
  return namesBetween(section(), '**Environments**', '- **Deployment branches');
}

/** `vars.NAME` references of a workflow text. */
export function referencedVariables(workflow: string): string[] {
  return [...new Set([...workflow.matchAll(/\bvars\.([A-Za-z0-9_]+)/g)].map((m) => m[1] as string))].sort();
}
