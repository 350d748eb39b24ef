// Static checks of the workflows (packages/workflow-runner/src/static-check/static-check.ts): the repository's
// own workflows pass; each broken fixture, and each breaking edit of the real build.yml and of
// the caller example, makes the check fail with the finding that names the mistake.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
// The runner is not a dependency of @bakeline/test (test/package.json is the lead's), hence the path.
import { checkWorkflows, type Finding, formatFinding } from '@bakeline/workflow-runner';
import { describe, expect, test } from 'vitest';
import {
  readmeBuildCaller,
  readmeEnvironmentVariables,
  readmeRepositoryVariables,
  referencedVariables,
} from './readme-caller.ts';

/** `${{ expression }}` as it appears in a workflow. */
const gh = (expression: string): string => `\${{ ${expression} }}`;
const root = resolve(import.meta.dirname, '../..');
const fixtureRoot = join(root, 'test/workflows/fixtures/bakeline-root');
const fixtures = join(root, 'test/workflows/static-fixtures/.github/workflows');

function workflowFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f));
}

async function check(files: string[], bakelineRoot = root): Promise<string[]> {
  const findings: Finding[] = await checkWorkflows(files, { bakelineRoot }, (p) => relative(root, p));
  return findings.map(formatFinding);
}

describe("the repository's workflows", () => {
  test.each([['.github/workflows'], ['examples/licensing-service/.github/workflows']])(
    '%s pass every static check',
    async (dir) => {
      expect(await check(workflowFiles(join(root, dir)))).toEqual([]);
    },
  );
});

describe("README's caller", () => {
  test('the build caller of "Use it on GitHub" passes every static check and uses only listed variables', async () => {
    const caller = readmeBuildCaller();
    const dir = mkdtempSync(join(tmpdir(), 'bakeline-readme-'));
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(join(dir, '.github/workflows/build.yml'), caller);
    expect(await check([join(dir, '.github/workflows/build.yml')])).toEqual([]);
    const listed = readmeRepositoryVariables();
    expect(listed).toContain('BAKELINE_PUSH_ROLE');
    expect(referencedVariables(caller).filter((name) => !listed.includes(name))).toEqual([]);
  });

  test('every environment variable promote.yml reads is listed in "Use it on GitHub"', () => {
    const promote = readFileSync(join(root, '.github/workflows/promote.yml'), 'utf8');
    const read = referencedVariables(promote);
    expect(read.length).toBeGreaterThan(5);
    expect(read.filter((name) => !readmeEnvironmentVariables().includes(name))).toEqual([]);
  });
});

describe('broken fixtures fail the check', () => {
  test('the clean fixture passes', async () => {
    expect(await check([join(fixtures, 'clean-01.yml')], fixtureRoot)).toEqual([]);
  });

  test.each([
    ['removed-output-01.yml', [/needs\.a\.outputs\.digest is not an output of job 'a' \(outputs: echoed\)/]],
    [
      'misspelled-input-01.yml',
      [
        /'mesage' is not an input of bakeline-dev\/bakeline\/actions\/echo@v1/,
        /required input 'message' of .* is not given/,
      ],
    ],
    [
      'step-output-01.yml',
      [
        /steps\.later is not a step before this point in job 'a'/,
        /steps\.echo\.outputs\.digest is not an output of step 'echo' \(outputs: echoed, pre-ran\)/,
      ],
    ],
    [
      'call-input-01.yml',
      [
        /'valeu' is not an input of \.\/\.github\/workflows\/reusable-01\.yml/,
        /required input 'value' of \.\/\.github\/workflows\/reusable-01\.yml is not given/,
        /'tokn' is not a secret of/,
      ],
    ],
    ['call-output-01.yml', [/needs\.call\.outputs\.digest is not an output of job 'call' \(outputs: result\)/]],
    [
      'workflow-call-output-01.yml',
      [/jobs\.build\.outputs\.digest is not an output of job 'build' \(outputs: image\)/],
    ],
    ['needs-not-listed-01.yml', [/needs\.a is not in the needs of job 'b'/]],
    ['input-ref-01.yml', [/inputs\.imag is not an input of this workflow \(inputs: image\)/]],
    ['parse-error-01.yml', [/Unexpected value 'run'/]],
    [
      'builtin-input-01.yml',
      [
        /'paths' is not an input of actions\/upload-artifact@v7/,
        /required input 'path' of actions\/upload-artifact@v7 is not given/,
      ],
    ],
  ])('%s', async (file, expected) => {
    const findings = await check([join(fixtures, file)], fixtureRoot);
    for (const pattern of expected) expect(findings.join('\n')).toMatch(pattern);
    expect(findings).toHaveLength(expected.length);
  });
});

describe('breaking edits of the real workflows fail the check', () => {
  function edited(source: string, from: string, to: string): string {
    const text = readFileSync(join(root, source), 'utf8');
    if (!text.includes(from)) throw new Error(`${source} no longer contains ${JSON.stringify(from)}`);
    const dir = mkdtempSync(join(tmpdir(), 'bakeline-static-'));
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    const file = join(dir, '.github/workflows', source.split('/').pop() as string);
    writeFileSync(file, text.replace(from, to));
    return file;
  }

  test.each([
    [
      'removing the digest output of job build',
      '.github/workflows/build.yml',
      `      digest: ${gh('steps.bake.outputs.digest')}\n`,
      '',
      [
        /needs\.build\.outputs\.digest is not an output of job 'build'/,
        /jobs\.build\.outputs\.digest is not an output of job 'build'/,
      ],
    ],
    [
      'removing the image-uri output of job publish',
      '.github/workflows/build.yml',
      `      image-uri: ${gh('steps.push.outputs.image-uri')}\n`,
      '',
      [/needs\.publish\.outputs\.image-uri is not an output of job 'publish'/],
    ],
    [
      'misspelling an input of eks-promote',
      '.github/workflows/build.yml',
      `          namespace: ${gh('inputs.namespace')}`,
      `          namespce: ${gh('inputs.namespace')}`,
      [/'namespce' is not an input of bakeline-dev\/bakeline\/actions\/eks-promote@main/, /required input 'namespace'/],
    ],
    [
      'misspelling an input of build.yml in the caller',
      'examples/licensing-service/.github/workflows/build.yml',
      '      image-name: licensing-service',
      '      image-nme: licensing-service',
      [
        /'image-nme' is not an input of bakeline-dev\/bakeline\/\.github\/workflows\/build\.yml@v1/,
        /required input 'image-name' of bakeline-dev\/bakeline\/\.github\/workflows\/build\.yml@v1 is not given/,
      ],
    ],
    [
      'pinning actions/checkout to its node20 major v4',
      '.github/workflows/build.yml',
      '      - uses: actions/checkout@v7\n      - if: inputs.java-version',
      '      - uses: actions/checkout@v4\n      - if: inputs.java-version',
      [
        /jobs\.build\.steps\[1\]: uses: actions\/checkout@v4 runs on node20, which GitHub no longer runs: use actions\/checkout@v7 \(node24 from v5\)/,
      ],
    ],
    [
      'pinning actions/setup-node to its node20 major v4',
      '.github/workflows/ci.yml',
      'actions/setup-node@v7',
      'actions/setup-node@v4',
      [/jobs\.quick\.steps\[1\]: uses: actions\/setup-node@v4 runs on node20.*use actions\/setup-node@v7/],
    ],
    [
      'reading an output promote.yml does not have',
      '.github/workflows/promote.yml',
      `value: ${gh('jobs.promote.outputs.previous-digest')}`,
      `value: ${gh('jobs.promote.outputs.previous')}`,
      [/jobs\.promote\.outputs\.previous is not an output of job 'promote'/],
    ],
  ])('%s', async (_name, source, from, to, expected) => {
    const findings = (await check([edited(source, from, to)])).join('\n');
    for (const pattern of expected) expect(findings).toMatch(pattern);
  });
});
