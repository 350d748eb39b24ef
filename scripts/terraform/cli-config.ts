// The project's Terraform CLI configuration: the aws provider from the machine's filesystem
// mirror (used in place), every other provider from its registry as usual. The project's
// terraform commands run with TF_CLI_CONFIG_FILE pointing at the file this writes.
//   node scripts/terraform/cli-config.ts           writes it, prints its path
//   node scripts/terraform/cli-config.ts --mirror  prints the mirror only (scripts/setup.sh)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AWS_PROVIDER, findProviderMirror, type MirrorSearch } from './provider-mirror.ts';

/** HCL string literal (JSON's escaping is a subset HCL reads the same way). */
function hclString(value: string): string {
  return JSON.stringify(value);
}

/** The CLI configuration text for a mirror directory. */
export function renderCliConfig(mirror: string): string {
  return [
    "# written by scripts/terraform/cli-config.ts: the aws provider from the machine's mirror, in place",
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${hclString(mirror)}`,
    `    include = [${hclString(AWS_PROVIDER)}]`,
    '  }',
    '  direct {',
    `    exclude = [${hclString(AWS_PROVIDER)}]`,
    '  }',
    '}',
    '',
  ].join('\n');
}

export interface TerraformCliConfig {
  /** The file TF_CLI_CONFIG_FILE names. */
  path: string;
  mirror: string;
}

/** Default home of the written file: the project's ignored cache directory. */
export function defaultConfigDirectory(root: string): string {
  return join(root, '.cache', 'terraform');
}

/** Finds the mirror and writes the CLI configuration into `dir` (created if missing). */
export function writeCliConfig(dir: string, search: MirrorSearch = {}): TerraformCliConfig {
  const mirror = findProviderMirror(search);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'cli.tfrc');
  writeFileSync(path, renderCliConfig(mirror));
  return { path, mirror };
}

/**
 * The environment of a project terraform command: the CLI configuration, no checkpoint calls
 * (they go to a HashiCorp host), no interactive prompts.
 */
export function terraformEnv(config: TerraformCliConfig, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, TF_CLI_CONFIG_FILE: config.path, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
}

if (import.meta.main) {
  try {
    if (process.argv.includes('--mirror')) {
      console.log(findProviderMirror());
    } else {
      console.log(writeCliConfig(defaultConfigDirectory(join(import.meta.dirname, '..', '..'))).path);
    }
  } catch (error: unknown) {
    console.error(`terraform CLI configuration: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
