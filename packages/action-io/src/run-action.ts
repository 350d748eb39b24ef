import * as core from '@actions/core';
import { errorMessage } from '@bakeline/toolkit';

/**
 * Runs an action's body: any throw becomes a failed step with a clean message (the stack only
 * in debug mode). Sets the exit code and never calls process.exit, so cleanup and post still run.
 */
export async function runAction(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error: unknown) {
    core.setFailed(errorMessage(error));
    if (error instanceof Error && error.stack) core.debug(error.stack);
  }
}
