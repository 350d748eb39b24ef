// What proves that each side of the pipeline benchmark did its job: the peer's push landed with
// the digest docker reported, and every environment of each side runs the new image on all its
// pods. A step that did not run or did not do its job fails the benchmark.
import type { EnvironmentState } from '../scripts/main/environment-state.ts';
import { type ReportRow, rowProblem } from '../scripts/main/report.ts';
import type { Environment } from './pipeline-cases.ts';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The manifest digest `docker push` reports on its last line (`<tag>: digest: sha256:... size: N`). */
export function pushedDigest(output: string): string {
  const found = [...output.matchAll(/digest: (sha256:[0-9a-f]{64}) size: \d+/g)].map((m) => m[1]);
  const digest = found.at(-1);
  if (digest === undefined) {
    throw new Error(`docker push: no 'digest: sha256:... size: N' line in its output: ${output.trim().slice(-300)}`);
  }
  return digest;
}

interface DescribeImages {
  imageDetails?: { imageDigest?: string; imageTags?: string[] }[];
}

/** The digest ECR holds for `tag`, from `aws ecr describe-images --image-ids imageTag=<tag>`. */
export function registryDigest(describeImagesJson: string, tag: string): string {
  const parsed = JSON.parse(describeImagesJson) as DescribeImages;
  const image = (parsed.imageDetails ?? []).find((d) => d.imageTags?.includes(tag));
  const digest = image?.imageDigest;
  if (digest === undefined || !DIGEST.test(digest)) {
    throw new Error(`aws ecr describe-images: no image tagged '${tag}' with a digest in ${describeImagesJson.trim()}`);
  }
  return digest;
}

export interface SideCheck {
  side: 'bakeline' | 'peer';
  /** The digest the side built and published. */
  digest: string;
  /** What each Deployment must name: the image URI (bakeline) or the tagged reference (peer). */
  imageRef: string;
  states: Record<Environment, EnvironmentState>;
}

/** Every problem of one side after a run: an environment that does not run the new image everywhere. */
export function sideProblems(check: SideCheck): string[] {
  const problems: string[] = [];
  if (!DIGEST.test(check.digest)) problems.push(`${check.side}: published '${check.digest}', not a digest`);
  for (const [environment, state] of Object.entries(check.states)) {
    const row: ReportRow = { environment, state, expected: check.digest, imageUri: check.imageRef };
    const problem = rowProblem(row);
    if (problem) problems.push(`${check.side} ${state.namespace}: ${problem}`);
  }
  return problems;
}

/** Maven's own figure (`Total time:  8.123 s`, or `01:02 min`) from a build's log lines, in ms. */
export function mavenReportedMs(lines: readonly string[]): number | undefined {
  for (const line of [...lines].reverse()) {
    const seconds = /Total time:\s+([\d.]+) s\b/.exec(line);
    if (seconds?.[1]) return Math.round(Number(seconds[1]) * 1000);
    const minutes = /Total time:\s+(\d+):(\d+) min\b/.exec(line);
    if (minutes?.[1] && minutes[2]) return (Number(minutes[1]) * 60 + Number(minutes[2])) * 1000;
  }
  return undefined;
}
