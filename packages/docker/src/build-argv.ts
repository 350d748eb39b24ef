// The exact command lines of a Dockerfile build, one per export path. Kept pure so tests assert
// the argv.
//   buildx-archive: docker buildx build --provenance=false --sbom=false --output type=docker,dest=<tar> ...
//   buildx-load:    docker buildx build --provenance=false --sbom=false --load --tag <temp tag> ...
//   classic:        docker build --tag <temp tag> ...
// SOURCE_DATE_EPOCH goes in as a build argument (the caller sets the environment variable too).

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

const byKey = ([a]: [string, string], [b]: [string, string]) => (a < b ? -1 : a > b ? 1 : 0);

function common(spec: DockerBuildSpec): string[] {
  const args = ['--file', spec.dockerfile];
  const buildArgs = { ...spec.buildArgs, SOURCE_DATE_EPOCH: String(spec.sourceDateEpoch) };
  for (const [key, value] of Object.entries(buildArgs).sort(byKey)) args.push('--build-arg', `${key}=${value}`);
  for (const [key, value] of Object.entries(spec.labels).sort(byKey)) args.push('--label', `${key}=${value}`);
  if (spec.target) args.push('--target', spec.target);
  if (spec.noCache) args.push('--no-cache');
  return args;
}

export function buildxArchiveArgv(spec: DockerBuildSpec, archivePath: string): string[] {
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

export function buildxLoadArgv(spec: DockerBuildSpec, tag: string): string[] {
  return [
    'buildx',
    'build',
    '--provenance=false',
    '--sbom=false',
    '--load',
    '--tag',
    tag,
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
