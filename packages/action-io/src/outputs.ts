import * as core from '@actions/core';

/** Sets a step output (through the runner's GITHUB_OUTPUT file). */
export function setOutput(name: string, value: string | number | boolean): void {
  core.setOutput(name, String(value));
}

/** The job summary builder of @actions/core (GITHUB_STEP_SUMMARY). */
export const summary = core.summary;

/** Saves state for the action's `post:` entry (GITHUB_STATE). */
export function saveState(name: string, value: string): void {
  core.saveState(name, value);
}

export function getState(name: string): string {
  return core.getState(name);
}
