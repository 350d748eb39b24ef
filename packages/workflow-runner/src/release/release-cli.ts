// node packages/workflow-runner/src/release/release-cli.ts --version X.Y.Z --repository owner/name [--remote origin] [--dry-run] [--repo <dir>]
import { parseArgs } from 'node:util';
import { release } from './release.ts';

const { values } = parseArgs({
  options: {
    version: { type: 'string' },
    repository: { type: 'string' },
    remote: { type: 'string' },
    repo: { type: 'string', default: '.' },
    'dry-run': { type: 'boolean', default: false },
  },
});
if (values.version === undefined || values.repository === undefined) {
  console.error(
    'usage: release-cli.ts --version X.Y.Z --repository owner/name [--remote origin] [--dry-run] [--repo <dir>]',
  );
  process.exitCode = 2;
} else {
  release({
    repoDir: values.repo,
    version: values.version,
    repository: values.repository,
    ...(values.remote === undefined ? {} : { remote: values.remote }),
    dryRun: values['dry-run'],
    log: (line) => console.log(line),
  }).then(
    (r) =>
      console.log(
        `${values['dry-run'] ? 'planned' : 'released'} ${r.tag} (${r.majorTag})${r.commit ? ` at ${r.commit}` : ''}`,
      ),
    (error: unknown) => {
      console.error(`release: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
