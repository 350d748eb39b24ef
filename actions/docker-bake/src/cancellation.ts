// Cancellation as the runner does it: SIGINT, then SIGTERM 7.5 s later. Either aborts the bake's
// signal: the running docker command is killed, and the bake removes its scratch directory, its
// temporary image tags and its partial output before the step fails. The handlers stay until
// the step is over (a second signal must not kill the process mid-cleanup).
import type { Logger } from '@bakeline/toolkit';

export interface Cancellation {
  signal: AbortSignal;
  /** Removes the handlers. */
  dispose(): void;
}

export function onRunnerCancel(logger: Logger): Cancellation {
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      logger.info(`${name} received; still cleaning up`);
      return;
    }
    logger.info(`${name} received: stopping the bake and removing what it made`);
    controller.abort(new Error(`cancelled (${name}); the bake's scratch files and temporary tags were removed`));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
