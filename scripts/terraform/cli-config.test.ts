import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderCliConfig, terraformEnv, writeCliConfig } from './cli-config.ts';
import { AWS_PROVIDER } from './provider-mirror.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the Terraform CLI configuration', () => {
  it('takes the aws provider from the mirror only, and everything else directly', () => {
    expect(renderCliConfig('/srv/plugins')).toContain(
      [
        'provider_installation {',
        '  filesystem_mirror {',
        '    path    = "/srv/plugins"',
        '    include = ["registry.terraform.io/hashicorp/aws"]',
        '  }',
        '  direct {',
        '    exclude = ["registry.terraform.io/hashicorp/aws"]',
        '  }',
        '}',
      ].join('\n'),
    );
  });

  it('quotes a mirror path with quotes or backslashes as an HCL string', () => {
    expect(renderCliConfig('/srv/a "b"\\c')).toContain('path    = "/srv/a \\"b\\"\\\\c"');
  });

  it('writes the file for the mirror it finds and names it in TF_CLI_CONFIG_FILE', () => {
    const mirror = mkdtempSync(join(tmpdir(), 'tf-mirror-'));
    const out = mkdtempSync(join(tmpdir(), 'tf-cli-'));
    dirs.push(mirror, out);
    mkdirSync(join(mirror, AWS_PROVIDER, '5.100.0'), { recursive: true });
    const config = writeCliConfig(join(out, 'nested'), { env: { BAKELINE_TERRAFORM_MIRROR: mirror } });
    expect(config).toEqual({ path: join(out, 'nested', 'cli.tfrc'), mirror });
    expect(readFileSync(config.path, 'utf8')).toBe(renderCliConfig(mirror));
    expect(terraformEnv(config, { PATH: '/bin', TF_CLI_CONFIG_FILE: '/elsewhere' })).toEqual({
      PATH: '/bin',
      TF_CLI_CONFIG_FILE: config.path,
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
    });
  });
});
