export { type ActionRunOptions, type ActionRunResult, runActionStep } from '@bakeline/action-host';

/** INPUT_<NAME> as the runner derives it. */
export function inputVariableNameOf(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}
