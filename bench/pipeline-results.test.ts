import type { WorkflowResult } from '@bakeline/workflow-runner';
import { describe, expect, it } from 'vitest';
import {
  caseFigures,
  overheadMs,
  type PeerSteps,
  type RunSample,
  stepMedians,
  stepTimings,
} from './pipeline-results.ts';

const peerSteps = (mvn: number, rollout: number): PeerSteps => ({
  checkout: 50,
  mvnVerify: mvn,
  dockerBuild: 500,
  login: 800,
  dockerPush: 300,
  rollouts: { dev: rollout, test: rollout, prod: rollout },
});

function sample(run: number, bakelineMs: number, peerMs: number): RunSample {
  return {
    run,
    first: run % 2 === 0 ? 'bakeline' : 'peer',
    load: { one: 2, five: 2, fifteen: 2 },
    bakelineMs,
    peerMs,
    bakelineSteps: [
      { name: 'build / maven', ms: bakelineMs / 2 },
      { name: 'build / bake', ms: bakelineMs / 4 },
    ],
    peerSteps: peerSteps(8000, 100),
    bakelineDigest: `sha256:${'1'.repeat(64)}`,
    peerDigest: `sha256:${'2'.repeat(64)}`,
  };
}

describe('overheadMs', () => {
  it("is bakeline's total minus the peer's Maven and its three rollouts of the same run", () => {
    expect(overheadMs({ bakelineMs: 30_000, peerSteps: peerSteps(8000, 2000) })).toBe(16_000);
  });
});

describe('stepTimings', () => {
  it('flattens called workflows into workflow / job / step, naming the environment', () => {
    const step = (name: string, durationMs: number) => ({
      index: 0,
      name,
      outcome: 'success' as const,
      conclusion: 'success' as const,
      outputs: {},
      durationMs,
    });
    const job = (id: string, steps: ReturnType<typeof step>[], extra: object = {}) => ({
      id,
      name: id,
      needs: [],
      result: 'success' as const,
      outputs: {},
      steps,
      permissions: {},
      summary: '',
      durationMs: 0,
      ...extra,
    });
    const workflow = (name: string, jobs: ReturnType<typeof job>[]): WorkflowResult => ({
      file: `${name}.yml`,
      name,
      event: 'push',
      result: 'success',
      inputs: {},
      outputs: {},
      jobs,
      notes: [],
      durationMs: 0,
    });
    const called = workflow('bakeline build', [
      job('build', [step('maven', 9000), step('bake', 3000)]),
      job('deploy-dev', [step('promote', 4000)], { environment: 'dev' }),
    ]);
    const caller = workflow('licensing-service', [job('bakeline', [], { workflow: called })]);
    expect(stepTimings(caller)).toEqual([
      { name: 'bakeline build / build / maven', ms: 9000 },
      { name: 'bakeline build / build / bake', ms: 3000 },
      { name: 'bakeline build / deploy-dev (dev) / promote', ms: 4000 },
    ]);
  });
});

describe('stepMedians', () => {
  it('takes each step median over the runs, slowest first', () => {
    const runs = [
      [
        { name: 'a', ms: 1 },
        { name: 'b', ms: 10 },
      ],
      [
        { name: 'a', ms: 3 },
        { name: 'b', ms: 30 },
      ],
      [
        { name: 'a', ms: 2 },
        { name: 'b', ms: 20 },
      ],
    ];
    expect(stepMedians(runs)).toEqual([
      { name: 'b', ms: 20 },
      { name: 'a', ms: 2 },
    ]);
  });
});

describe('caseFigures', () => {
  it('gives min/median of both sides, the ratios, the overhead and whether the target is met', () => {
    const samples = [sample(0, 30_000, 20_000), sample(1, 20_000, 10_000), sample(2, 40_000, 40_000)];
    const figures = caseFigures('warm-unchanged', samples, 3);
    expect(figures.statsMs.bakeline).toEqual({ min: 20_000, median: 30_000 });
    expect(figures.statsMs.peer).toEqual({ min: 10_000, median: 20_000 });
    expect(figures.ratio).toEqual({ min: 2, median: 1.5 });
    expect(figures.statsMs.overhead).toEqual({ min: 11_700, median: 21_700 });
    expect(figures.target).toBe(1);
    expect(figures.met).toBe(false);
    expect(figures.bakelineStepMedians[0]).toEqual({ name: 'build / maven', ms: 15_000 });
    expect(figures.samples).toBe(samples);
  });

  it('holds the cold-registry case to 0.6x', () => {
    const samples = [sample(0, 5_000, 10_000), sample(1, 6_000, 10_000)];
    expect(caseFigures('cold-registry', samples, 2)).toMatchObject({ target: 0.6, met: true });
  });

  it('fails when a case has fewer runs than asked (a side did not run)', () => {
    expect(() => caseFigures('one-line-change', [sample(0, 1, 1)], 5)).toThrow(
      'one-line-change: 1 runs, expected 5: a side did not run',
    );
  });
});
