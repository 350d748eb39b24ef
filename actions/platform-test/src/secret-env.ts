// The `secret-env` input: every value is masked before the input is parsed or any other input is
// read, so no error (a malformed line, a repeated key) and no later message can show one. Errors
// name the line number, never the line.
import type { InputReader } from '@bakeline/action-io';
import { InputError } from '@bakeline/toolkit';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function readSecretEnv(reader: InputReader, mask: (value: string) => void): Record<string, string> {
  const lines = reader.getString('secret-env').split(/\r?\n/);
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    // a line without a valid key may be a value pasted alone: the whole line is masked too
    if (eq <= 0 || !NAME.test(line.slice(0, eq).trim())) mask(line);
    if (eq >= 0) mask(line.slice(eq + 1));
  }
  const values: Record<string, string> = {};
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const name = eq > 0 ? line.slice(0, eq).trim() : '';
    if (!NAME.test(name)) {
      throw new InputError(
        'secret-env',
        `line ${index + 1} is not KEY=VALUE with KEY matching ${NAME.source} (the line is not shown: it may hold a secret)`,
      );
    }
    if (Object.hasOwn(values, name)) throw new InputError('secret-env', `line ${index + 1} repeats the key ${name}`);
    values[name] = line.slice(eq + 1);
  }
  return values;
}
