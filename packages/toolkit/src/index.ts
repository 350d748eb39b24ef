export {
  Cancellation,
  type CancellationOptions,
  CancelledError,
  type CancelSignal,
  type SignalSource,
} from './cancellation.ts';
export { parseDuration } from './duration.ts';
export { errorMessage, InputError } from './errors.ts';
export { type Exec, ExecError, type ExecOptions, type ExecResult, exec, execChecked } from './exec.ts';
export { formatBytes, formatDuration } from './format.ts';
export { escapeHtml } from './html.ts';
export { consoleLogger, type Logger, silentLogger } from './logger.ts';
export { neutralizeWorkflowCommands } from './neutralize.ts';
export { type ProgressOptions, ProgressReporter } from './progress.ts';
export {
  agentsSupportProxy,
  type ProxyEnv,
  proxyAgentOptions,
  proxyAwareAgents,
  proxyEnvFrom,
} from './proxy-agents.ts';
export {
  backoffDelay,
  isTransientNetworkError,
  type RetryDecision,
  type RetryInfo,
  type RetryOptions,
  retry,
} from './retry.ts';
export { RUNNER_LINE_BREAK, trimStartLikeRunner } from './runner-command-syntax.ts';
