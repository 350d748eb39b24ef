// The host variables a step inherits, as a self-hosted runner's service environment would pass
// them: the tools' locations and settings, nothing else of the calling process.
const PASS_THROUGH = [
  'PATH',
  'HOME',
  'LANG',
  'TZ',
  'DOCKER_HOST',
  'DOCKER_CONFIG',
  'TMPDIR',
  'USER',
  'JAVA_HOME',
  'MAVEN_OPTS',
];

export function hostEnv(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of PASS_THROUGH) {
    const value = source[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}
