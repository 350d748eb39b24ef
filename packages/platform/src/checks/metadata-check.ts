// Image metadata checks (container-structure-test's metadata test, and a secret-env guard).
import type { ImageInspect } from '../docker-cli.ts';
import type { MetadataCheck } from '../spec-schema.ts';

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY)/i;
const SECRET_VALUE = [
  /\b(AKIA|ASIA)[0-9A-Z]{16}\b/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/,
  /\bxox[baprs]-[A-Za-z0-9-]{10,}/,
];

export function isRootUser(user: string | undefined): boolean {
  const name = (user ?? '').split(':')[0] ?? '';
  return name === '' || name === '0' || name === 'root';
}

export function secretLookingEnv(env: string[]): string[] {
  return env
    .filter((entry) => {
      const eq = entry.indexOf('=');
      const name = eq >= 0 ? entry.slice(0, eq) : entry;
      const value = eq >= 0 ? entry.slice(eq + 1) : '';
      return SECRET_NAME.test(name) || SECRET_VALUE.some((re) => re.test(value));
    })
    .map((entry) => entry.split('=')[0] ?? entry);
}

export function runMetadataCheck(image: ImageInspect, check: MetadataCheck): string[] {
  const problems: string[] = [];
  const config = image.Config;
  if (check.user && 'notRoot' in check.user && isRootUser(config.User)) {
    problems.push(`the image runs as root (User is ${JSON.stringify(config.User ?? '')})`);
  }
  if (check.user && 'equals' in check.user && config.User !== check.user.equals) {
    problems.push(`User is ${JSON.stringify(config.User ?? '')}, expected ${JSON.stringify(check.user.equals)}`);
  }
  const exposed = Object.keys(config.ExposedPorts ?? {});
  for (const port of check.exposedPorts ?? []) {
    const wanted = String(port).includes('/') ? String(port) : `${port}/tcp`;
    if (!exposed.includes(wanted))
      problems.push(`port ${wanted} is not exposed (exposed: ${exposed.join(', ') || 'none'})`);
  }
  const labels = config.Labels ?? {};
  for (const name of check.labels?.present ?? []) if (!(name in labels)) problems.push(`label ${name} is missing`);
  for (const [name, value] of Object.entries(check.labels?.equals ?? {})) {
    if (labels[name] !== value)
      problems.push(`label ${name} is ${JSON.stringify(labels[name])}, expected ${JSON.stringify(value)}`);
  }
  if (check.entrypoint && JSON.stringify(config.Entrypoint ?? []) !== JSON.stringify(check.entrypoint)) {
    problems.push(
      `entrypoint is ${JSON.stringify(config.Entrypoint ?? [])}, expected ${JSON.stringify(check.entrypoint)}`,
    );
  }
  if (check.noSecretEnv) {
    const names = secretLookingEnv(config.Env ?? []);
    if (names.length > 0)
      problems.push(`environment variables that look secret are baked into the image: ${names.join(', ')}`);
  }
  return problems;
}
