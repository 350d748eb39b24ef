export { type ActionCommand, CommandProcessor } from './action-command.ts';
export { parseKeyValueFile, parsePathFile } from './file-commands.ts';
export { hostEnv } from './host-env.ts';
export { type ActionMetadata, readActionMetadata } from './metadata.ts';
export { resolveNode } from './node-binary.ts';
export { type ActionRunOptions, type ActionRunResult, runActionStep } from './run-step.ts';
export { parseWorkflowCommands } from './workflow-commands.ts';
