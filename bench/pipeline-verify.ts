// After each run, untimed: what each side's Deployments run, read with the real kubectl, must be
// the side's new image on every pod (see pipeline-checks.ts for the rules).
import { readEnvironmentState } from '../scripts/main/environment-state.ts';
import { ENVIRONMENTS, type Environment } from './pipeline-cases.ts';
import { sideProblems } from './pipeline-checks.ts';
import { type BenchCloud, WORKLOAD } from './pipeline-cloud.ts';

/** Fails unless every environment of the side runs `digest` on all its pods and names `imageRef`. */
export async function checkSide(
  cloud: BenchCloud,
  side: 'bakeline' | 'peer',
  digest: string,
  imageRef: string,
  namespaceOf: (environment: Environment) => string,
): Promise<void> {
  const states = {} as Parameters<typeof sideProblems>[0]['states'];
  for (const environment of ENVIRONMENTS) {
    states[environment] = await readEnvironmentState(cloud.cloud.kube.kubeconfig, namespaceOf(environment), WORKLOAD);
  }
  const problems = sideProblems({ side, digest, imageRef, states });
  if (problems.length > 0) throw new Error(`${side} did not do its job: ${problems.join('; ')}`);
}
