// docker-bake's cancellation: toolkit's Cancellation with this step's messages. SIGINT or SIGTERM
// aborts the bake's signal: the running docker command is killed, and the bake removes its
// scratch directory, its temporary image tags and its partial output before the step fails. A
// later signal only says the cleanup is still running.
import { Cancellation, type Logger, type SignalSource } from '@bakeline/toolkit';

export function onRunnerCancel(logger: Logger, signals?: SignalSource): Cancellation {
  return new Cancellation({
    message: (signal) => `cancelled (${signal}); the bake's scratch files and temporary tags were removed`,
    onCancel: (signal) => logger.info(`${signal} received: stopping the bake and removing what it made`),
    onRepeat: (signal) => logger.info(`${signal} received; still cleaning up`),
    ...(signals ? { signals } : {}),
  }).install();
}
