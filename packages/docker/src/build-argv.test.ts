import { describe, expect, test } from 'vitest';
import { buildxArchiveArgv, buildxLoadArgv, classicBuildArgv, saveArgv } from './build-argv.ts';

const spec = {
  context: '/ws/svc',
  dockerfile: '/ws/svc/Dockerfile',
  buildArgs: { BASE_IMAGE: 'bakeline/jre17-base:abc', APP_VERSION: '1.0' },
  labels: { 'org.opencontainers.image.revision': 'abc', 'a.b': 'c d' },
  sourceDateEpoch: 1700000000,
};
const common = [
  '--file',
  '/ws/svc/Dockerfile',
  '--build-arg',
  'APP_VERSION=1.0',
  '--build-arg',
  'BASE_IMAGE=bakeline/jre17-base:abc',
  '--build-arg',
  'SOURCE_DATE_EPOCH=1700000000',
  '--label',
  'a.b=c d',
  '--label',
  'org.opencontainers.image.revision=abc',
  '/ws/svc',
];

describe('docker build command lines', () => {
  test('buildx archive: no provenance or SBOM, a docker archive output', () => {
    expect(buildxArchiveArgv(spec, '/tmp/out.tar')).toEqual([
      'buildx',
      'build',
      '--provenance=false',
      '--sbom=false',
      '--output',
      'type=docker,dest=/tmp/out.tar',
      ...common,
    ]);
  });

  test('buildx load: --load under a temporary tag', () => {
    expect(buildxLoadArgv(spec, 'tmp:1')).toEqual([
      'buildx',
      'build',
      '--provenance=false',
      '--sbom=false',
      '--load',
      '--tag',
      'tmp:1',
      ...common,
    ]);
  });

  test('classic: a temporary tag, then docker save of it', () => {
    expect(classicBuildArgv({ ...spec, buildArgs: {}, labels: {}, target: 'runtime', noCache: true }, 't:1')).toEqual([
      'build',
      '--tag',
      't:1',
      '--file',
      '/ws/svc/Dockerfile',
      '--build-arg',
      'SOURCE_DATE_EPOCH=1700000000',
      '--target',
      'runtime',
      '--no-cache',
      '/ws/svc',
    ]);
    expect(saveArgv('t:1', '/tmp/a.tar')).toEqual(['save', '--output', '/tmp/a.tar', 't:1']);
  });

  test('a SOURCE_DATE_EPOCH given as a build argument is replaced by the build epoch', () => {
    const argv = classicBuildArgv({ ...spec, buildArgs: { SOURCE_DATE_EPOCH: '1' }, labels: {} }, 't');
    expect(argv.filter((a) => a.startsWith('SOURCE_DATE_EPOCH='))).toEqual(['SOURCE_DATE_EPOCH=1700000000']);
  });
});
