// The runner cancels a step with SIGINT, then SIGTERM about 7.5 s later, then runs `post:`.
// SIGINT aborts the run: it stops what it is doing and removes its containers on the way out.
// SIGTERM means time is nearly up: remove everything now, without waiting for the run to unwind.
import type { Logger } from '@bakeline/toolkit';

export function onCancel(controller: AbortController, removeNow: () => Promise<unknown>, logger: Logger): () => void {
  const interrupt = () => {
    logger.warning('cancelled (SIGINT): stopping and removing the containers');
    controller.abort();
  };
  const terminate = () => {
    logger.warning('cancelled (SIGTERM): removing the containers now');
    controller.abort();
    removeNow().catch(() => {
      // the run's own cleanup and the post step try again
    });
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', terminate);
  return () => {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', terminate);
  };
}
