// Environment files: read the `env-file` input's KEY=VALUE lines, write the 0600 file that
// `docker run --env-file` takes (so values never appear on a command line).
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `KEY=VALUE` lines; blank lines and `#` comments are skipped; a repeated key is an error. */
export function parseEnvFile(text: string, source: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const name = eq > 0 ? line.slice(0, eq).trim() : '';
    if (!NAME.test(name)) {
      throw new Error(`${source}: line ${index + 1} is not KEY=VALUE (KEY matching ${NAME.source})`);
    }
    if (Object.hasOwn(values, name)) throw new Error(`${source}: line ${index + 1} repeats the key ${name}`);
    values[name] = line.slice(eq + 1);
  }
  return values;
}

/** The text of an env file for `docker run --env-file`; a value cannot span lines there. */
export function envFileText(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => {
      if (!NAME.test(name)) throw new Error(`environment variable '${name}': not a valid name`);
      if (/[\r\n]/.test(value)) throw new Error(`environment variable ${name}: a value cannot span lines`);
      return `${name}=${value}\n`;
    })
    .join('');
}
