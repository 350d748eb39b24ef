// Image metadata checks (container-structure-test's metadataTest), and a guard against secrets
// baked into the image's environment. They read the image config, so they need no container.
import type { ImageInspect } from '../docker-cli.ts';
import type { MetadataCheck } from '../spec-schema.ts';

const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|ACCESS_?KEY)/i;
const SECRET_VALUE = [
  /\b(AKIA|ASIA)[0-9A-Z]{16}\b/, // AWS access key IDs
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{30,}\b/,
  /\bxox[baprs]-[A-Za-z0-9-]{10,}/, // Slack tokens
  /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, // JWTs
  /:\/\/[^/\s:@]+:[^/\s@]+@/, // credentials in a URL
];

export function isRootUser(user: string | undefined): boolean {
  const name = (user ?? '').split(':')[0] ?? '';
  return name === '' || name === '0' || name === 'root';
}

/** Names of `NAME=value` entries whose name or value looks secret. */
export function secretLookingEnv(env: readonly string[]): string[] {
  return env
    .filter((entry) => {
      const eq = entry.indexOf('=');
      const name = eq >= 0 ? entry.slice(0, eq) : entry;
      const value = eq >= 0 ? entry.slice(eq + 1) : '';
      return (SECRET_NAME.test(name) && value !== '') || SECRET_VALUE.some((re) => re.test(value));
    })
    .map((entry) => entry.split('=')[0] ?? entry);
}

const portKey = (port: number | string) => (String(port).includes('/') ? String(port) : `${port}/tcp`);
const show = (value: unknown) => JSON.stringify(value) ?? 'undefined';

function envOf(image: ImageInspect): Map<string, string> {
  return new Map(
    (image.Config.Env ?? []).map((entry) => {
      const eq = entry.indexOf('=');
      return eq < 0 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
    }),
  );
}

export function runMetadataCheck(image: ImageInspect, check: MetadataCheck): string[] {
  const problems: string[] = [];
  const config = image.Config;
  if (check.user?.notRoot && isRootUser(config.User)) {
    problems.push(`the image runs as root (User is ${show(config.User ?? '')})`);
  }
  if (check.user?.equals !== undefined && (config.User ?? '') !== check.user.equals) {
    problems.push(`User is ${show(config.User ?? '')}, expected ${show(check.user.equals)}`);
  }
  const exposed = Object.keys(config.ExposedPorts ?? {});
  for (const port of check.exposedPorts ?? []) {
    if (!exposed.includes(portKey(port))) {
      problems.push(`port ${portKey(port)} is not exposed (exposed: ${exposed.join(', ') || 'none'})`);
    }
  }
  for (const port of check.unexposedPorts ?? []) {
    if (exposed.includes(portKey(port))) problems.push(`port ${portKey(port)} is exposed`);
  }
  const labels = config.Labels ?? {};
  for (const name of check.labels?.present ?? []) if (!(name in labels)) problems.push(`label ${name} is missing`);
  for (const [name, value] of Object.entries(check.labels?.equals ?? {})) {
    if (labels[name] !== value) problems.push(`label ${name} is ${show(labels[name])}, expected ${show(value)}`);
  }
  for (const [name, pattern] of Object.entries(check.labels?.matches ?? {})) {
    const value = labels[name];
    if (value === undefined || !new RegExp(pattern).test(value)) {
      problems.push(`label ${name} is ${show(value)}, expected to match /${pattern}/`);
    }
  }
  const env = envOf(image);
  for (const name of check.env?.present ?? [])
    if (!env.has(name)) problems.push(`environment variable ${name} is not set`);
  for (const name of check.env?.absent ?? []) if (env.has(name)) problems.push(`environment variable ${name} is set`);
  for (const [name, value] of Object.entries(check.env?.equals ?? {})) {
    if (env.get(name) !== value)
      problems.push(`environment variable ${name} is ${show(env.get(name))}, expected ${show(value)}`);
  }
  if (check.entrypoint && !sameList(config.Entrypoint, check.entrypoint)) {
    problems.push(`entrypoint is ${show(config.Entrypoint ?? [])}, expected ${show(check.entrypoint)}`);
  }
  if (check.cmd && !sameList(config.Cmd, check.cmd)) {
    problems.push(`cmd is ${show(config.Cmd ?? [])}, expected ${show(check.cmd)}`);
  }
  if (check.workdir !== undefined && (config.WorkingDir ?? '') !== check.workdir) {
    problems.push(`working directory is ${show(config.WorkingDir ?? '')}, expected ${show(check.workdir)}`);
  }
  const volumes = Object.keys(config.Volumes ?? {});
  for (const volume of check.volumes ?? []) {
    if (!volumes.includes(volume))
      problems.push(`volume ${volume} is not declared (declared: ${volumes.join(', ') || 'none'})`);
  }
  if (check.healthcheck !== undefined) {
    const test = config.Healthcheck?.Test ?? [];
    const has = test.length > 0 && test[0] !== 'NONE';
    if (has !== check.healthcheck) problems.push(has ? 'the image has a HEALTHCHECK' : 'the image has no HEALTHCHECK');
  }
  if (check.noSecretEnv) {
    const names = secretLookingEnv(config.Env ?? []);
    if (names.length > 0)
      problems.push(`environment variables that look secret are baked into the image: ${names.join(', ')}`);
  }
  return problems;
}

function sameList(actual: readonly string[] | null | undefined, expected: readonly string[]): boolean {
  const list = actual ?? [];
  return list.length === expected.length && list.every((v, i) => v === expected[i]);
}
