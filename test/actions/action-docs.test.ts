import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readActionMetadata } from '@bakeline/action-host';
import { describe, expect, it } from 'vitest';
import { readmeIsCurrent, renderReadme } from '../../scripts/action-docs.ts';
import { repoRoot } from '../harness/index.ts';

const actions = readdirSync(join(repoRoot, 'actions')).filter((a) =>
  existsSync(join(repoRoot, 'actions', a, 'action.yml')),
);

describe('action READMEs', () => {
  it.each(actions)('%s: inputs and outputs tables match action.yml', (name) => {
    const dir = join(repoRoot, 'actions', name);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readmeIsCurrent(readme, readActionMetadata(dir))).toBe(true);
  });

  it('notices a README that drifted from action.yml', () => {
    const readme = '# x\n<!-- inputs -->\n| input |\n<!-- /inputs -->\n<!-- outputs -->\n<!-- /outputs -->\n';
    const metadata = {
      name: 'x',
      description: '',
      inputs: { digest: { required: true, description: 'the digest' } },
      outputs: {},
      runs: { using: 'node24', main: 'dist/index.js' },
    };
    expect(readmeIsCurrent(readme, metadata)).toBe(false);
    const padded = renderReadme(readme, metadata).replace('| `digest` |', '| `digest`   |');
    expect(readmeIsCurrent(padded, metadata)).toBe(true);
    expect(renderReadme(readme, metadata)).toContain('| `digest` | yes |  | the digest |');
  });
});

describe('action metadata', () => {
  it.each(actions)('%s: runs on node24 from dist/, every input and output described', (name) => {
    const metadata = readActionMetadata(join(repoRoot, 'actions', name));
    expect(metadata.runs.using).toBe('node24');
    expect(metadata.runs.main).toBe('dist/index.js');
    for (const [input, spec] of Object.entries(metadata.inputs)) expect(spec.description, input).toBeTruthy();
    for (const [output, spec] of Object.entries(metadata.outputs)) expect(spec.description, output).toBeTruthy();
  });
});
