// ecr-push's cancellation: toolkit's Cancellation with this step's messages. SIGINT aborts the
// push (the registry client stops its requests and retries; scratch files go in `finally`), and
// the step fails with one line saying it was cancelled and whether a re-run is safe. SIGTERM, if
// the work has still not ended, removes the tracked scratch directories at once, fails the step
// and ends the process: nothing else would run before the kill.
import { Cancellation, type SignalSource } from '@bakeline/toolkit';

export { CancelledError, type CancelSignal } from '@bakeline/toolkit';

export interface EcrPushCancellationOptions {
  /** Names the step in the message, e.g. `ecr-push`. */
  what: string;
  /** What a re-run does, e.g. `re-running the job is safe: ...`. */
  rerun: string;
  /** Progress line (core.info). */
  log: (line: string) => void;
  /** Fails the step (core.setFailed), on SIGTERM. */
  fail: (message: string) => void;
  /** Ends the process, on SIGTERM (process.exit). */
  exit: (code: number) => void;
  signals?: SignalSource;
}

export function pushCancellation(options: EcrPushCancellationOptions): Cancellation {
  return new Cancellation({
    message: (signal) =>
      `${options.what} was cancelled (${signal}): it stopped and removed its scratch files; ${options.rerun}`,
    onCancel: (signal) => options.log(`${options.what}: ${signal} received: stopping, then removing scratch files`),
    onTerminate: (reason) => {
      options.fail(reason.message);
      options.exit(1);
    },
    ...(options.signals ? { signals: options.signals } : {}),
  });
}
