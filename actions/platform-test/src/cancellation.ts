// platform-test's cancellation: toolkit's Cancellation with this step's messages. The runner
// cancels with SIGINT, then SIGTERM about 7.5 s later, then runs `post:`. SIGINT aborts the run:
// it stops what it is doing and removes its containers on the way out. SIGTERM means time is
// nearly up: remove everything now, without waiting for the run to unwind.
import { Cancellation, type CancelSignal, type Logger, type SignalSource } from '@bakeline/toolkit';

export function onCancel(removeNow: () => Promise<unknown>, logger: Logger, signals?: SignalSource): Cancellation {
  const warn = (signal: CancelSignal) =>
    logger.warning(
      signal === 'SIGINT'
        ? 'cancelled (SIGINT): stopping and removing the containers'
        : 'cancelled (SIGTERM): removing the containers now',
    );
  return new Cancellation({
    message: () => 'platform test cancelled; its containers were removed',
    onCancel: warn,
    onRepeat: warn,
    onTerminate: () => {
      removeNow().catch(() => {
        // the run's own cleanup and the post step try again
      });
    },
    ...(signals ? { signals } : {}),
  }).install();
}
