// The exact command lines of the two Docker build paths. Kept pure so tests assert the argv.
//   buildx:  docker buildx build --provenance=false --sbom=false --output type=docker,dest=<tar> ...
//            (the OCI exporter is refused by buildx's default `docker` driver; a docker archive is not)
//   classic: docker build -t <temp tag> ... then docker save -o <tar> <temp tag>
// Both pass SOURCE_DATE_EPOCH as a build argument (the environment variable is set too).

export interface DockerBuildSpec {
  context: string;
  dockerfile: string;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  sourceDateEpoch: number;
  target?: string;
  /** Build every step afresh (`--no-cache`). */
  noCache?: boolean;
}

function common(spec: DockerBuildSpec): string[] {
  const args = ['--file', spec.dockerfile];
  const buildArgs = { ...spec.buildArgs, SOURCE_DATE_EPOCH: String(spec.sourceDateEpoch) };
  for (const [key, value] of Object.entries(buildArgs).sort(([a], [b]) => (a < b ? -1 : 1))) {
    args.push('--build-arg', `${key}=${value}`);
  }
  for (const [key, value] of Object.entries(spec.labels).sort(([a], [b]) => (a < b ? -1 : 1))) {
    args.push('--label', `${key}=${value}`);
  }
  if (spec.target) args.push('--target', spec.target);
  if (spec.noCache) args.push('--no-cache');
  return args;
}

export function buildxArgv(spec: DockerBuildSpec, archivePath: string): string[] {
  return [
    'buildx',
    'build',
    '--provenance=false',
    '--sbom=false',
    '--output',
    `type=docker,dest=${archivePath}`,
    ...common(spec),
    spec.context,
  ];
}

export function classicBuildArgv(spec: DockerBuildSpec, tag: string): string[] {
  return ['build', '--tag', tag, ...common(spec), spec.context];
}

export function saveArgv(tag: string, archivePath: string): string[] {
  return ['save', '--output', archivePath, tag];
}
