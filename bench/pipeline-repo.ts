// The scratch copy of the example service both sides build: a git repository of its own, whose
// commits are the benchmark's inputs (the one-line changes are committed, as a team would).
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execChecked } from '@bakeline/toolkit';
import { CHANGED_FILE, oneLineChange } from './pipeline-cases.ts';

/** Commit times: fixed, one minute apart, so the same commit always bakes the same digest. */
const FIRST_COMMIT_TIME = 1_790_000_000;

function gitEnv(time: number): Record<string, string | undefined> {
  const date = `@${time} +0000`;
  return {
    ...process.env,
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@bakeline.invalid',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@bakeline.invalid',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
}

export class ScratchRepo {
  readonly dir: string;
  #changes = 0;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Copies the example service (without build output) into `dir` and commits it. */
  static async create(exampleDir: string, dir: string): Promise<ScratchRepo> {
    cpSync(exampleDir, dir, { recursive: true, filter: (s) => !/\/target(\/|$)/.test(s) });
    const repo = new ScratchRepo(dir);
    await execChecked('git', ['init', '-q', '-b', 'main'], { cwd: dir });
    await execChecked('git', ['add', '-A'], { cwd: dir });
    await execChecked('git', ['commit', '-q', '-m', 'licensing-service (bench copy)'], {
      cwd: dir,
      env: gitEnv(FIRST_COMMIT_TIME),
    });
    return repo;
  }

  async head(): Promise<string> {
    return (await execChecked('git', ['rev-parse', 'HEAD'], { cwd: this.dir })).stdout.trim();
  }

  /** Commits the next one-line change; returns the new commit. */
  async commitOneLineChange(): Promise<string> {
    this.#changes += 1;
    const file = join(this.dir, CHANGED_FILE);
    writeFileSync(file, oneLineChange(readFileSync(file, 'utf8'), this.#changes));
    await execChecked('git', ['commit', '-q', '-am', `Name change ${this.#changes} in the shutdown log line`], {
      cwd: this.dir,
      env: gitEnv(FIRST_COMMIT_TIME + 60 * this.#changes),
    });
    return this.head();
  }

  /** A fresh clone, as a CI job checks out. */
  async clone(target: string): Promise<void> {
    await execChecked('git', ['clone', '-q', this.dir, target]);
  }
}
