// Checks of what the jar builder writes into the image config: the user (non-root unless allowed),
// exposed ports, and environment defaults (never anything that looks like a secret: runtime
// configuration and secrets arrive as environment variables at deploy time). Each check throws
// a one-line reason; callers prefix the input's name.

const USER = /^([a-z_][a-z0-9_.-]{0,31}|\d{1,10})(:([a-z_][a-z0-9_.-]{0,31}|\d{1,10}))?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Name parts (split on `_`) that mark a secret. */
const SECRET_PARTS = new Set([
  'PASSWORD',
  'PASSWD',
  'PWD',
  'PASS',
  'SECRET',
  'SECRETS',
  'TOKEN',
  'KEY',
  'APIKEY',
  'CREDENTIAL',
  'CREDENTIALS',
  'PRIVATE',
  'PRIVATEKEY',
]);
/** Substrings that mark a secret anywhere in a name (DBPASSWORD, GITHUBTOKEN). */
const SECRET_SUBSTRINGS = /PASSWORD|PASSWD|SECRET|TOKEN|APIKEY|CREDENTIAL|PRIVATE_?KEY/i;

export function checkUser(user: string, allowRoot: boolean): void {
  if (!USER.test(user)) {
    throw new Error(
      `got "${user}"; expected a user name or numeric uid, optionally :group (e.g. 10001 or 10001:10001)`,
    );
  }
  const name = user.split(':')[0] ?? '';
  const isRoot = name === 'root' || /^0+$/.test(name);
  if (isRoot && !allowRoot) {
    throw new Error(
      `got "${user}"; the image would run as root: give a non-root user (default 10001) or set allow-root`,
    );
  }
}

/** `8080`, `8080/tcp`, `5005/udp` -> `8080/tcp` etc. */
export function normalizePort(port: string): string {
  const match = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/.exec(port.trim());
  const number = Number(match?.[1]);
  if (!match || number < 1 || number > 65535) {
    throw new Error(`got "${port}"; expected a port 1-65535, optionally /tcp, /udp or /sctp`);
  }
  return `${number}/${match[2] ?? 'tcp'}`;
}

export function looksSecret(name: string): boolean {
  return (
    SECRET_SUBSTRINGS.test(name) ||
    name
      .toUpperCase()
      .split('_')
      .some((part) => SECRET_PARTS.has(part))
  );
}

export function checkEnvName(name: string): void {
  if (!ENV_NAME.test(name)) throw new Error(`got "${name}"; expected a variable name matching ${ENV_NAME.source}`);
  if (looksSecret(name)) {
    throw new Error(
      `refuses "${name}": it looks like a secret; an image carries non-secret defaults only (pass secrets at deploy time)`,
    );
  }
}

/** An entrypoint given as a JSON array of strings, or as words separated by spaces (no quoting). */
export function parseEntrypoint(value: string): string[] {
  const text = value.trim();
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error: unknown) {
      throw new Error(`got ${JSON.stringify(text)}; expected a JSON array of strings: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((p) => typeof p === 'string' && p !== '')) {
      throw new Error(`got ${JSON.stringify(text)}; expected a non-empty JSON array of non-empty strings`);
    }
    return parsed as string[];
  }
  const words = text.split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) throw new Error('got an empty entrypoint; expected a command');
  return words;
}
