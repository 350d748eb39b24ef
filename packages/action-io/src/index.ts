// The action edge: everything that talks to the runner through @actions/core (inputs, outputs,
// state, the job summary, annotations, masking, the failed-step wrapper). Only actions/* use it.
export { type AnnotationSpec, annotate } from './annotations.ts';
export { coreLogger, maskSecret } from './core-logger.ts';
export {
  envInputSource,
  getBoolean,
  getDuration,
  getEnum,
  getInteger,
  getKeyValues,
  getList,
  getOptionalString,
  getPath,
  getPathList,
  getString,
  InputReader,
  type InputSource,
  inputs,
  inputVariableName,
  type PathOptions,
  type StringOptions,
} from './inputs.ts';
export { getState, saveState, setOutput, summary } from './outputs.ts';
export { runAction } from './run-action.ts';
