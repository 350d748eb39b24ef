// Renders a Kustomize overlay with the runner's `kubectl kustomize` (kubectl embeds Kustomize;
// GitHub-hosted runners have kubectl), into one file of YAML documents for the promotion to apply.
import { writeFile } from 'node:fs/promises';
import { exec as defaultExec, type Exec, ExecError, errorMessage } from '@bakeline/toolkit';
import { kustomizationIn } from './manifest-inputs.ts';

const RENDER_TIMEOUT_MS = 60_000;

/**
 * `kubectl kustomize <dir>` into `output`. `name` is the overlay as the user wrote it
 * (`k8s/overlays/prod`), for messages.
 */
export async function renderOverlay(dir: string, name: string, output: string, run: Exec = defaultExec): Promise<void> {
  if (kustomizationIn(dir) === undefined) {
    throw new Error(`kustomize: ${name} has no kustomization.yaml (the overlay of this environment)`);
  }
  let result: Awaited<ReturnType<Exec>>;
  try {
    result = await run('kubectl', ['kustomize', dir], { timeoutMs: RENDER_TIMEOUT_MS });
  } catch (error: unknown) {
    const missing = error instanceof ExecError && (error.cause as { code?: string } | undefined)?.code === 'ENOENT';
    throw new Error(
      missing
        ? 'kustomize: kubectl is not on PATH; install kubectl (GitHub-hosted runners have it) to render the overlay'
        : `kustomize: kubectl kustomize ${name}: ${errorMessage(error)}`,
      { cause: error },
    );
  }
  if (result.exitCode !== 0) {
    const detail = result.stderr.trim().split('\n').slice(-5).join('\n').replaceAll(dir, name);
    throw new Error(`kustomize: kubectl kustomize ${name} failed: ${detail}`);
  }
  if (result.stdout.trim() === '') throw new Error(`kustomize: ${name} renders no documents`);
  await writeFile(output, result.stdout);
}
