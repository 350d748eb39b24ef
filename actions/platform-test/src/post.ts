// The post step: removes whatever the main step of this run left (after a cancellation, or a
// main step that was killed): the saved container and network IDs, and everything labelled
// with the run's ID.
import { coreLogger, getState } from '@bakeline/action-io';
import { DockerCli, LABEL } from '@bakeline/platform';
import { errorMessage } from '@bakeline/toolkit';

const runId = getState('run-id');
const ids = (name: string) => getState(name).split(' ').filter(Boolean);
if (runId && getState('keep') === 'true') {
  coreLogger.info(`post: keep-on-failure: leaving the containers labelled ${LABEL}=${runId}`);
} else if (runId) {
  try {
    const removed = await new DockerCli().remove({
      containers: ids('containers'),
      networks: ids('networks'),
      label: `${LABEL}=${runId}`,
    });
    coreLogger.info(
      removed > 0 ? `post: removed ${removed} container(s) left by run ${runId}` : `post: nothing left by run ${runId}`,
    );
  } catch (error: unknown) {
    coreLogger.warning(`post: could not clean up run ${runId}: ${errorMessage(error)}`);
  }
}
