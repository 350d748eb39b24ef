// The post step: removes anything labelled with this run's id that is still there (after a
// cancellation, or a main step that was killed).
import { DockerCli, LABEL } from '@bakeline/platform';
import { coreLogger, errorMessage, getState } from '@bakeline/toolkit';

const runId = getState('run-id');
if (runId && getState('keep') === 'true') {
  coreLogger.info(`post: keep-on-failure: leaving the containers labelled ${LABEL}=${runId}`);
} else if (runId) {
  try {
    const removed = await new DockerCli().removeLabelled(`${LABEL}=${runId}`);
    coreLogger.info(
      removed > 0 ? `post: removed ${removed} container(s) left by ${runId}` : `post: nothing left by ${runId}`,
    );
  } catch (error: unknown) {
    coreLogger.warning(`post: could not clean up ${runId}: ${errorMessage(error)}`);
  }
}
