// Issue #16, item 1: one Docker wrapper and one image-store detector, grep-checkable. Outside
// packages/docker only test code (tests, test helpers, benchmarks that measure docker as a peer)
// may start `docker` itself or read `docker info`'s DriverStatus.
import { describe, expect, test } from 'vitest';
import { isTestCode, read, sourceFiles } from './source-files.ts';

/** `docker` as the command of a process call, or as the default of a command option. */
const SPAWNS_DOCKER =
  /\b(?:spawn|spawnSync|execFile|execFileSync|exec|execChecked|execa|run)\(\s*['"`]docker['"`]|\?\?\s*['"`]docker['"`]|['"`]docker\s+(?:load|save|run|build|info|image|rm|pull|push|tag|inspect)\b[^'"`]*['"`]\s*,\s*\{/;
/** What only an image-store detector reads. */
const DETECTS_STORE = /io\.containerd\.snapshotter|driver-type|DriverStatus|['"`]overlayfs['"`]/;

const production = () => sourceFiles().filter((path) => !isTestCode(path));

describe('one Docker module', () => {
  test('the patterns catch the shapes they are meant to catch', () => {
    for (const line of [
      "await execChecked('docker', ['load'])",
      "spawn('docker', args)",
      "const docker = options.docker ?? 'docker';",
    ]) {
      expect(line).toMatch(SPAWNS_DOCKER);
    }
    expect("execChecked('tar', ['-c'])").not.toMatch(SPAWNS_DOCKER);
    expect('[["driver-type","io.containerd.snapshotter.v1"]]').toMatch(DETECTS_STORE);
    expect("engine.Driver === 'overlayfs'").toMatch(DETECTS_STORE);
  });

  test('no file outside packages/docker and test code starts docker itself', () => {
    const offenders = production().filter(
      (path) => !path.startsWith('packages/docker/') && SPAWNS_DOCKER.test(read(path)),
    );
    expect(offenders).toEqual([]);
  });

  test('one image-store detector: packages/docker/src/docker-info.ts', () => {
    const detectors = production().filter((path) => DETECTS_STORE.test(read(path)));
    expect(detectors).toEqual(['packages/docker/src/docker-info.ts']);
  });

  test('one Docker wrapper: only packages/docker defaults a command to docker', () => {
    const wrappers = production().filter((path) => /command \?\? ['"`]docker['"`]/.test(read(path)));
    expect(wrappers).toEqual(['packages/docker/src/docker.ts']);
  });
});
