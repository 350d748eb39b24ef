// A `docker` first on PATH in tests: answers `docker info` as an engine with the image store the
// test chose (the containerd image store shows DriverStatus [["driver-type",
// "io.containerd.snapshotter.v1"]] and storage driver `overlayfs`, as docker 24+ prints it), and
// passes every other command to the real client unchanged.
import { spawnSync } from 'node:child_process';

const real = process.env.BAKELINE_STAND_IN_REAL_DOCKER;
const store = process.env.BAKELINE_STAND_IN_IMAGE_STORE;
const args = process.argv.slice(2);
if (!real || (store !== 'classic' && store !== 'containerd')) {
  process.stderr.write(
    'docker stand-in: BAKELINE_STAND_IN_REAL_DOCKER and BAKELINE_STAND_IN_IMAGE_STORE must be set\n',
  );
  process.exit(2);
}

if (args[0] === 'info') {
  const format = args[1] === '--format' ? args[2] : args[1]?.startsWith('--format=') ? args[1].slice(9) : undefined;
  const result = spawnSync(real, ['info', '--format', '{{json .}}'], { encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(result.stderr);
    process.exit(result.status ?? 1);
  }
  const info = JSON.parse(result.stdout);
  if (store === 'containerd') {
    info.Driver = 'overlayfs';
    info.DriverStatus = [['driver-type', 'io.containerd.snapshotter.v1']];
  }
  const answers = {
    '{{json .}}': () => JSON.stringify(info),
    '{{json .DriverStatus}}': () => JSON.stringify(info.DriverStatus),
    '{{.Driver}}': () => info.Driver,
  };
  const answer = format === undefined ? undefined : answers[format];
  if (!answer || args.length !== 3) {
    process.stderr.write(`docker stand-in: docker ${args.join(' ')} is not emulated\n`);
    process.exit(2);
  }
  process.stdout.write(`${answer()}\n`);
  process.exit(0);
}
const result = spawnSync(real, args, { stdio: 'inherit' });
process.exit(result.status ?? 1);
