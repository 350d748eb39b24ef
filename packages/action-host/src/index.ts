export {
  type ActionCommand,
  type CommandOutcome,
  CommandProcessor,
  RUNNER_COMMANDS,
  UNSUPPORTED_STOP_TOKEN,
  unescapeData,
} from './action-command.ts';
export { parseKeyValueFile, parsePathFile } from './file-commands.ts';
export { hostEnv } from './host-env.ts';
export { type ActionInput, type ActionMetadata, type ActionRuns, readActionMetadata } from './metadata.ts';
export { resolveNode } from './node-binary.ts';
export {
  type ActionRunOptions,
  type ActionRunResult,
  type GithubContextValues,
  type PhaseResult,
  runActionStep,
} from './run-step.ts';
export { type Annotation, maskLog, type ParsedCommands, parseWorkflowCommands } from './workflow-commands.ts';
