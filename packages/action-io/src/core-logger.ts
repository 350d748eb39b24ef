// The Logger and secret masking over @actions/core: what an action passes to the packages.
import * as core from '@actions/core';
import type { Logger } from '@bakeline/toolkit';

export const coreLogger: Logger = {
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m),
  debug: (m) => core.debug(m),
  group: (name, fn) => core.group(name, fn),
};

/** Registers a secret with the runner so it is masked in every later log line. */
export function maskSecret(value: string): void {
  if (value.length > 0) core.setSecret(value);
}
