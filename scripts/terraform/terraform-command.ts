// One seam where the project runs terraform: always with the project's CLI configuration (the
// aws provider from the machine's mirror), no prompts, no checkpoint calls.
import { exec as defaultExec, type Exec, type ExecResult, execChecked } from '@bakeline/toolkit';
import { type TerraformCliConfig, terraformEnv } from './cli-config.ts';

export interface TerraformOptions {
  /** The working directory (a root module). */
  cwd: string;
  config: TerraformCliConfig;
  /** TF_DATA_DIR: where init puts the providers and modules (default `<cwd>/.terraform`). */
  dataDir?: string;
  /** Extra environment (e.g. AWS credentials for the local cloud). */
  env?: Record<string, string>;
  /** Written to terraform's stdin (terraform console). */
  input?: string;
  timeoutMs?: number;
  exec?: Exec;
}

/** Runs `terraform <args>`; rejects with the output's tail when it exits non-zero. */
export function terraform(args: readonly string[], options: TerraformOptions): Promise<ExecResult> {
  const env: Record<string, string | undefined> = {
    ...terraformEnv(options.config),
    ...(options.dataDir ? { TF_DATA_DIR: options.dataDir } : {}),
    ...options.env,
    NO_COLOR: '1',
  };
  return execChecked(
    'terraform',
    args,
    {
      cwd: options.cwd,
      env,
      timeoutMs: options.timeoutMs ?? 600_000,
      ...(options.input !== undefined ? { input: options.input } : {}),
    },
    options.exec ?? defaultExec,
  );
}
