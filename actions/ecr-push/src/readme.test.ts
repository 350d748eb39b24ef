import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
const fixture = (name: string) => readFileSync(join(root, 'test', 'fixtures', 'aws', name), 'utf8').trim();

describe('ecr-push README', () => {
  it.each([
    ['the permission policy', 'ecr-push-policy-01.json'],
    ['the trust policy', 'ecr-push-trust-policy-01.json'],
  ])('shows %s the acceptance test pushes with, verbatim', (_what, file) => {
    expect(readme).toContain(`\`\`\`json\n${fixture(file)}\n\`\`\``);
  });

  it('names every ECR permission the code asks for in the documented policy', () => {
    const policy = JSON.parse(fixture('ecr-push-policy-01.json')) as { Statement: { Action: string | string[] }[] };
    const documented = new Set(policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
    const sources = ['ecr-login.ts', 'ecr-repository.ts', 'ecr-scan.ts', 'ecr-image.ts', 'registry-errors.ts']
      .map((f) => readFileSync(join(root, 'packages', 'aws', 'src', f), 'utf8'))
      .join('\n');
    const named = new Set(sources.match(/ecr:[A-Z][A-Za-z]+/g));
    expect(named.size).toBeGreaterThan(8);
    for (const permission of named) expect(documented, permission).toContain(permission);
  });
});
