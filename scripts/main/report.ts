// The main job's last words: what runs in each environment, whether it is the digest that was
// built, and how to look around in the local cloud that is left running.
import { formatDuration } from '@bakeline/toolkit';
import type { EnvironmentState } from './environment-state.ts';

export interface ReportRow {
  environment: string;
  state: EnvironmentState;
  expected: string;
  imageUri: string;
  /**
   * eks-promote's `verified` output of the deploy that put it there (signer and predicate types);
   * undefined where no attestations are expected (the benchmark's peer pipeline).
   */
  verified?: string;
}

export interface ReportContext {
  imageUri: string;
  stop: string;
  /** the command whose output `eval` takes to point the clients at the local cloud */
  env: string;
  /** `owner/name` of the service (GitHub's attestations API is per repository) */
  repository: string;
  durationMs: number;
}

/** A row is right when every pod runs the expected digest, every pod is ready, and there are as many as the Deployment asks. */
export function rowProblem(row: ReportRow): string | undefined {
  const { state, expected } = row;
  if (state.digests.length !== 1 || state.digests[0] !== expected) {
    return `runs ${state.digests.join(', ') || 'nothing'}, not ${expected}`;
  }
  if (state.pods !== state.replicas || state.readyPods !== state.replicas) {
    return `${state.readyPods} of ${state.replicas} pods ready (${state.pods} pods)`;
  }
  if (state.image !== row.imageUri) return `the Deployment names ${state.image}, not ${row.imageUri}`;
  // every deploy runs with verify-attestations: enforce; anything else was not proven
  if (row.verified !== undefined && (row.verified === '' || row.verified.startsWith('not verified'))) {
    return `its attestations were not verified (${row.verified || 'no verified output'})`;
  }
  // each environment's overlay sets its own profile: another value means other manifests were applied
  if (state.profile !== row.environment)
    return `its ConfigMap's profile is '${state.profile}', not '${row.environment}'`;
  return undefined;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** `registry/path@sha256:…` -> `path` */
function repositoryPath(imageUri: string): string {
  const name = imageUri.split('@')[0] ?? '';
  return name.slice(name.indexOf('/') + 1);
}

function digestOf(imageUri: string): string {
  return imageUri.split('@')[1] ?? '';
}

/** Prints the table and the hints; returns true when every environment runs the built digest. */
export function printReport(rows: ReportRow[], context: ReportContext): boolean {
  const problems = rows.map(rowProblem);
  console.log('');
  for (const line of table(
    ['environment', 'digest', 'image URI', 'pods ready', 'profile', 'verified', 'check'],
    rows.map((row, i) => [
      row.environment,
      row.state.digests.join(', '),
      row.state.image,
      `${row.state.readyPods}/${row.state.replicas}`,
      row.state.profile,
      row.verified ?? '',
      problems[i] ?? 'ok',
    ]),
  ))
    console.log(line);
  const ok = problems.every((p) => p === undefined);
  console.log(
    [
      '',
      ok
        ? `every environment runs ${rows[0]?.expected} (${formatDuration(context.durationMs)})`
        : `FAILED: not every environment runs the built digest (${formatDuration(context.durationMs)})`,
      '',
      'The local cloud is still running. Look around (aws, kubectl and skopeo, with no flags):',
      `  eval "$(${context.env})"`,
      '  kubectl get deploy,rs,pods -n prod -o wide',
      '  kubectl rollout history deployment/licensing-service -n dev',
      '  aws ecr describe-images --repository-name ostock/licensing-service',
      `  bakeline_registry_login && skopeo inspect --tls-verify=false docker://${context.imageUri}`,
      "The digest's attestations (provenance, SBOM, test result: Sigstore bundles), as OCI referrers in ECR and in GitHub's attestations API:",
      `  curl -s -u "AWS:$(aws ecr get-login-password)" "http://$BAKELINE_REGISTRY/v2/${repositoryPath(context.imageUri)}/referrers/${digestOf(context.imageUri)}"`,
      `  curl -s -H "Authorization: Bearer $BAKELINE_GITHUB_TOKEN" "$BAKELINE_GITHUB_API_URL/repos/${context.repository}/attestations/${digestOf(context.imageUri)}"`,
      `  skopeo inspect --tls-verify=false --raw docker://$BAKELINE_REGISTRY/${repositoryPath(context.imageUri)}@<referrer digest>`,
      'On github.com the same check, with the GitHub CLI:',
      `  gh attestation verify oci://<account>.dkr.ecr.<region>.amazonaws.com/${repositoryPath(context.imageUri)}@${digestOf(context.imageUri)} --owner ${context.repository.split('/')[0]} --signer-workflow <owner>/bakeline/.github/workflows/build.yml`,
      `Stop it: ${context.stop}`,
    ].join('\n'),
  );
  return ok;
}
