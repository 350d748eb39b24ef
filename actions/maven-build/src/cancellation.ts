// The runner cancels a step with SIGINT, then SIGTERM about 7.5 s later (then kills what is left).
// Either signal aborts the build: Maven's process group gets SIGTERM, then SIGKILL, and the build
// removes its scratch on the way out. Without these handlers Node would die at SIGINT at once,
// leaving Maven's JVMs running and the settings file with its placeholders behind.
import type { Logger } from '@bakeline/toolkit';

export function onCancel(controller: AbortController, logger: Logger): () => void {
  const cancel = (signal: NodeJS.Signals) => () => {
    logger.warning(`cancelled (${signal}): stopping Maven and every process it started`);
    controller.abort();
  };
  const interrupt = cancel('SIGINT');
  const terminate = cancel('SIGTERM');
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', terminate);
  return () => {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', terminate);
  };
}
