import { describe, expect, test } from 'vitest';
import { parseBuilderInspect } from './builder-inspect.ts';
import { parseBuildxVersion } from './buildx-version.ts';

// The layout of docker/buildx commands/inspect.go (a tabwriter padding with spaces; nested keys
// start with a tab cell, so they are indented).
const DEFAULT_DOCKER = `Name:          default
Driver:        docker
Last Activity: 2026-11-30 10:00:00 +0000 UTC

Nodes:
Name:             default
Endpoint:         default
Status:           running
BuildKit version: v0.23.2
Platforms:        linux/amd64, linux/amd64/v2, linux/386
Labels:
 org.mobyproject.buildkit.worker.moby.host-gateway-ip: 172.17.0.1
GC Policy rule#0:
 All:           false
 Filters:       type==source.local,type==exec.cachemount
`;

const CONTAINER = `Name:   builder-1
Driver: docker-container

Nodes:
Name:      builder-10
Endpoint:  unix:///var/run/docker.sock
Status:    running
Buildkit:  v0.10.4
Platforms: linux/amd64
`;

describe('parseBuilderInspect', () => {
  test.each([
    ['the default builder on the docker driver', DEFAULT_DOCKER, 'default', 'docker', 'v0.23.2'],
    [
      'a docker-container builder (buildx < 0.13 names it Buildkit)',
      CONTAINER,
      'builder-1',
      'docker-container',
      'v0.10.4',
    ],
  ])('%s', (_name, text, name, driver, buildkit) => {
    const info = parseBuilderInspect(text);
    expect(info.name).toBe(name);
    expect(info.driver).toBe(driver);
    expect(info.nodes).toHaveLength(1);
    expect(info.nodes[0]?.status).toBe('running');
    expect(info.nodes[0]?.buildkit).toBe(buildkit);
  });

  test('nested keys (labels, GC policy) are not read as the builder fields', () => {
    const info = parseBuilderInspect(`${DEFAULT_DOCKER}\tName:\tnot-a-node\n`);
    expect(info.nodes.map((n) => n.name)).toEqual(['default']);
  });

  test('refuses text without a driver', () => {
    expect(() => parseBuilderInspect('ERROR: no builder "x" found\n')).toThrow(/expected "Name:" and "Driver:"/);
  });
});

describe('parseBuildxVersion', () => {
  test.each([
    ['github.com/docker/buildx v0.29.1 a32761a', '0.29.1'],
    ['github.com/docker/buildx 0.12.1 30feaa1', '0.12.1'],
    ['github.com/docker/buildx v0.30.0-rc1 0000000', '0.30.0-rc1'],
    ['github.com/docker/buildx 1a2b3c4 1a2b3c4', '1a2b3c4'],
  ])('%s', (text, version) => {
    expect(parseBuildxVersion(text)).toBe(version);
  });

  test('refuses text without a version', () => {
    expect(() => parseBuildxVersion("docker: 'buildx' is not a docker command.")).toThrow(/cannot read a version/);
  });
});
