// The action edge: everything that talks to the runner through @actions/core (inputs, outputs,
// state, the job summary, annotations, masking, the failed-step wrapper). Only actions/* use it.
export { annotate } from './annotations.ts';
export { coreLogger, maskSecret } from './core-logger.ts';
export { InputReader, inputs } from './inputs.ts';
export { getState, saveState, setOutput, summary } from './outputs.ts';
export { runAction } from './run-action.ts';
