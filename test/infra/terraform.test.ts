// The Terraform of infra/terraform, offline: formatted, valid, and its plan-time tests (terraform
// test with a mocked aws provider) pass. Runs the machine's terraform with the project's CLI
// configuration (the aws provider from the machine's plugin mirror, in place) on a copy of the
// tree, so no .terraform directory or state is written into the checkout.
//
// terraform loads the 675 MB provider for each command (about 5 s of CPU), so the commands are
// few: one init, of the example root module, which calls every module; one validate there, which
// checks the example, every module it calls and the test files' run blocks (each names one module
// as its root); one terraform test.
import { cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { validateLifecyclePolicy } from '@bakeline/local-cloud';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TerraformCliConfig, writeCliConfig } from '../../scripts/terraform/cli-config.ts';
import { terraform } from '../../scripts/terraform/terraform-command.ts';

const source = join(import.meta.dirname, '..', '..', 'infra', 'terraform');
const exampleSource = join(source, 'examples', 'licensing-service');
const TIMEOUT = 600_000;

let temp: string;
let config: TerraformCliConfig;
const example = () => join(temp, 'tree', 'examples', 'licensing-service');

function testFiles(): string[] {
  return readdirSync(join(exampleSource, 'tests')).filter((f) => f.endsWith('.tftest.hcl'));
}

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'bakeline-terraform-'));
  config = writeCliConfig(join(temp, 'cli'));
  cpSync(source, join(temp, 'tree'), {
    recursive: true,
    filter: (path) => {
      const parts = relative(source, path).split(sep);
      return !parts.includes('.terraform') && !parts.some((p) => p.endsWith('.tfstate') || p.includes('.tfstate.'));
    },
  });
  await terraform(['init', '-backend=false', '-input=false', '-no-color'], {
    cwd: example(),
    config,
    timeoutMs: TIMEOUT,
  });
}, TIMEOUT);

afterAll(() => {
  if (temp) rmSync(temp, { recursive: true, force: true });
});

describe('infra/terraform', () => {
  it('is formatted (terraform fmt -check)', async () => {
    const r = await terraform(['fmt', '-check', '-recursive', '-list=true', '.'], { cwd: source, config });
    expect(r.stdout).toBe('');
  });

  it('uses the provider in the mirror in place (init links it, copies nothing)', () => {
    const installed = join(example(), '.terraform', 'providers', 'registry.terraform.io', 'hashicorp', 'aws');
    const [version] = readdirSync(installed);
    const [osArch] = readdirSync(join(installed, version ?? ''));
    const platform = join(installed, version ?? '', osArch ?? '');
    expect(lstatSync(platform).isSymbolicLink()).toBe(true);
    expect(realpathSync(platform).startsWith(realpathSync(config.mirror))).toBe(true);
  });

  it('tests every module: each is the root of a run block of the example tests', () => {
    const modules = readdirSync(join(source, 'modules'));
    const tested = new Set(
      testFiles().flatMap((f) =>
        [
          ...readFileSync(join(exampleSource, 'tests', f), 'utf8').matchAll(
            /source\s*=\s*"\.\.\/\.\.\/modules\/([^"]+)"/g,
          ),
        ].map((m) => m[1]),
      ),
    );
    expect([...tested].sort()).toEqual([...modules].sort());
  });

  it(
    'validates the example, every module and the test files (terraform validate)',
    async () => {
      const r = await terraform(['validate', '-json', '-no-color'], { cwd: example(), config, timeoutMs: TIMEOUT });
      expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
    },
    TIMEOUT,
  );

  it(
    'passes its plan-time tests with a mocked provider, every run block (terraform test)',
    async () => {
      const r = await terraform(['test', '-no-color'], { cwd: example(), config, timeoutMs: TIMEOUT });
      const summary = /Success! (\d+) passed, 0 failed\./.exec(r.stdout);
      expect(summary, r.stdout).not.toBeNull();
      // a file that stopped early would pass fewer runs than it declares
      const declared = testFiles()
        .map((f) => (readFileSync(join(exampleSource, 'tests', f), 'utf8').match(/^run "/gm) ?? []).length)
        .reduce((a, b) => a + b, 0);
      expect(Number(summary?.[1])).toBe(declared);
    },
    TIMEOUT,
  );

  it("renders a lifecycle policy that ECR's validation accepts (the local ECR's)", () => {
    // ecr-repository.tftest.hcl asserts the module renders exactly this document
    const text = JSON.stringify(
      JSON.parse(readFileSync(join(exampleSource, 'tests', 'fixtures', 'lifecycle-policy.json'), 'utf8')),
    );
    expect(() => validateLifecyclePolicy(text)).not.toThrow();
    const rules = (JSON.parse(text) as { rules: { selection: { tagStatus: string; countType: string } }[] }).rules;
    // no tagStatus any rule (it would count the referrers of kept images among the images), and the
    // untagged rule counts: an age rule would expire a kept image's attestations once they are old
    expect(rules.map((rule) => rule.selection)).toMatchObject([
      { tagStatus: 'tagged', countType: 'imageCountMoreThan' },
      { tagStatus: 'untagged', countType: 'imageCountMoreThan' },
    ]);
  });
});
