// maven-build's cancellation: toolkit's Cancellation with this step's messages. The runner
// cancels with SIGINT, then SIGTERM about 7.5 s later; either aborts the build: Maven's process
// group gets SIGTERM, then SIGKILL, and the build removes its scratch on the way out. Without
// these handlers Node would die at SIGINT at once, leaving Maven's JVMs running and the settings
// file with its placeholders behind.
import { Cancellation, type Logger, type SignalSource } from '@bakeline/toolkit';

export function onCancel(logger: Logger, signals?: SignalSource): Cancellation {
  const warn = (signal: string) => logger.warning(`cancelled (${signal}): stopping Maven and every process it started`);
  return new Cancellation({
    message: (signal) => `cancelled (${signal}): Maven and every process it started were stopped`,
    onCancel: warn,
    onRepeat: warn,
    ...(signals ? { signals } : {}),
  }).install();
}
