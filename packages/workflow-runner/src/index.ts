export {
  ACTIONS_REPOSITORY,
  type ActionTarget,
  BUILTIN_ACTIONS,
  resolveAction,
  resolveWorkflow,
  workflowRepoRoot,
} from './action-refs.ts';
export { ArtifactStore, type StoredArtifact } from './artifact-store.ts';
export { InvalidWorkflowError, validateCalls } from './call-validation.ts';
export {
  type Admission,
  ConcurrencyGroups,
  type GroupRequest,
  type GroupSnapshot,
  type Lease,
} from './concurrency-groups.ts';
export {
  type EnvironmentSpec,
  type EnvironmentsConfig,
  emptyEnvironments,
  loadEnvironments,
  parseEnvironments,
} from './environments.ts';
export { evaluate, type JsonValue, type Scope } from './expressions.ts';
export { httpIdTokenIssuer, type IdTokenClaims, type IdTokenIssuer } from './github-context.ts';
export { createPrinter, outputLines, type PrinterOptions, stepDebug } from './report.ts';
export { DEFAULT_BAKELINE_ROOT, type RunOptions, type RunOutcome, runWorkflow } from './run.ts';
export { renderRunPage } from './run-page/render-page.ts';
export { RunRecorder } from './run-page/run-recorder.ts';
export { writeRunPage } from './run-page/write-run-page.ts';
export type { Conclusion, JobResult, RunEvent, StepResult, WorkflowResult } from './run-types.ts';
export { type SourceSnapshot, snapshotSource } from './source-snapshot.ts';
export { type CheckOptions, checkWorkflows, type Finding, formatFinding } from './static-check.ts';
export { type GithubApp, type TokenGrant, TokenGrants } from './token-grants.ts';
export { type ParsedWorkflow, parseWorkflowFile, parseWorkflowText, WorkflowParseError } from './workflow-file.ts';
export { readWorkflowSpec, type WorkflowSpec } from './workflow-model.ts';
