// The pipeline benchmark's figures: per run, each side's total and steps; per case, min/median of
// both sides, the ratios bakeline/peer, and bakeline's overhead beyond Maven plus the rollouts.
import type { JobResult, WorkflowResult } from '@bakeline/workflow-runner';
import { type LoadAverage, ratio, type Stats, stats } from './measure.ts';
import { CASES, type CaseName, ENVIRONMENTS, TARGETS } from './pipeline-cases.ts';

/** One timed step: `<workflow> / <job> / <step>` for bakeline, the command's name for the peer. */
export interface StepTiming {
  name: string;
  ms: number;
}

export interface PeerSteps {
  checkout: number;
  mvnVerify: number;
  dockerBuild: number;
  /** `aws ecr get-login-password | docker login` */
  login: number;
  dockerPush: number;
  /** `kubectl set image` then `kubectl rollout status`, per environment */
  rollouts: Record<(typeof ENVIRONMENTS)[number], number>;
}

export interface RunSample {
  run: number;
  first: 'bakeline' | 'peer';
  load: LoadAverage;
  bakelineMs: number;
  peerMs: number;
  bakelineSteps: StepTiming[];
  /** Maven's own "Total time" inside bakeline's maven-build step, when its log has it. */
  bakelineMavenMs?: number;
  peerSteps: PeerSteps;
  bakelineDigest: string;
  peerDigest: string;
}

/** Every step of a run, in order, named by workflow, job and step (called workflows flattened). */
export function stepTimings(result: WorkflowResult): StepTiming[] {
  const out: StepTiming[] = [];
  const visit = (workflow: WorkflowResult) => {
    for (const job of workflow.jobs) {
      if (job.workflow) visit(job.workflow);
      else
        out.push(
          ...job.steps.map((s) => ({ name: `${workflow.name} / ${jobName(job)} / ${s.name}`, ms: s.durationMs })),
        );
    }
  };
  visit(result);
  return out;
}

function jobName(job: JobResult): string {
  return job.environment ? `${job.id} (${job.environment})` : job.id;
}

export function peerRolloutMs(steps: PeerSteps): number {
  return ENVIRONMENTS.reduce((sum, env) => sum + steps.rollouts[env], 0);
}

export function peerTotalOfSteps(steps: PeerSteps): number {
  return steps.checkout + steps.mvnVerify + steps.dockerBuild + steps.login + steps.dockerPush + peerRolloutMs(steps);
}

/**
 * What bakeline spends beyond what both sides must pay: its total minus Maven and the three
 * rollouts, both as the peer measured them in the same run (same commit, same cluster).
 */
export function overheadMs(sample: Pick<RunSample, 'bakelineMs' | 'peerSteps'>): number {
  return sample.bakelineMs - sample.peerSteps.mvnVerify - peerRolloutMs(sample.peerSteps);
}

/** The median of each step's duration over the runs, slowest first (the breakdown of bakeline's side). */
export function stepMedians(runs: readonly StepTiming[][]): StepTiming[] {
  const byName = new Map<string, number[]>();
  for (const run of runs) for (const step of run) byName.set(step.name, [...(byName.get(step.name) ?? []), step.ms]);
  return [...byName.entries()].map(([name, ms]) => ({ name, ms: stats(ms).median })).sort((a, b) => b.ms - a.ms);
}

export interface CaseFigures {
  samples: RunSample[];
  statsMs: { bakeline: Stats; peer: Stats; overhead: Stats; peerMvnVerify: Stats; peerRollouts: Stats };
  ratio: Stats;
  target: number;
  met: boolean;
  bakelineStepMedians: StepTiming[];
}

/** Fails when a case has fewer samples than asked of either side (a side that did not run). */
export function caseFigures(name: CaseName, samples: RunSample[], runs: number): CaseFigures {
  if (samples.length !== runs) throw new Error(`${name}: ${samples.length} runs, expected ${runs}: a side did not run`);
  const bakeline = samples.map((s) => s.bakelineMs);
  const peer = samples.map((s) => s.peerMs);
  const r = ratio(bakeline, peer);
  return {
    samples,
    statsMs: {
      bakeline: stats(bakeline),
      peer: stats(peer),
      overhead: stats(samples.map(overheadMs)),
      peerMvnVerify: stats(samples.map((s) => s.peerSteps.mvnVerify)),
      peerRollouts: stats(samples.map((s) => peerRolloutMs(s.peerSteps))),
    },
    ratio: r,
    target: TARGETS[name],
    met: r.median <= TARGETS[name],
    bakelineStepMedians: stepMedians(samples.map((s) => s.bakelineSteps)),
  };
}

export function allCaseFigures(samples: Record<CaseName, RunSample[]>, runs: number): Record<CaseName, CaseFigures> {
  return Object.fromEntries(CASES.map((c) => [c, caseFigures(c, samples[c], runs)])) as Record<CaseName, CaseFigures>;
}
