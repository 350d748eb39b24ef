// Credentials for a private Maven repository, the way actions/setup-java writes them: a settings
// file whose <server> names environment variables (${env.BAKELINE_MAVEN_USERNAME}), so the
// secrets reach Maven only through its environment, never a file or the command line.
//
// Where the file goes: as the user settings (-s) when the build has none of its own, else as the
// global settings (-gs), which Maven merges under the user settings. "None of its own" means no
// `settings-file`, no -s/--settings in the arguments and no ~/.m2/settings.xml: bakeline never
// hides a settings file the build already has. A <server> with the same id in those user
// settings takes precedence over this one (Maven's merge rule).
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const USERNAME_VARIABLE = 'BAKELINE_MAVEN_USERNAME';
export const PASSWORD_VARIABLE = 'BAKELINE_MAVEN_PASSWORD';

/** A Maven repository / server id as settings and POMs use it. */
export const SERVER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface ServerCredentials {
  id: string;
  username: string;
  password: string;
}

export type SettingsPlacement = '-s' | '-gs';

const SETTINGS_FLAGS = new Set(['-s', '--settings']);
const GLOBAL_FLAGS = new Set(['-gs', '--global-settings']);

function hasFlag(args: readonly string[], flags: Set<string>): boolean {
  return args.some((a) => flags.has(a) || [...flags].some((f) => a.startsWith(`${f}=`)));
}

/** Where the generated settings go; throws when the arguments already give both -s and -gs. */
export function settingsPlacement(
  args: readonly string[],
  settingsFile: string | undefined,
  home: string,
): SettingsPlacement {
  const userSettings =
    settingsFile !== undefined || hasFlag(args, SETTINGS_FLAGS) || existsSync(join(home, '.m2', 'settings.xml'));
  if (!userSettings) return '-s';
  if (hasFlag(args, GLOBAL_FLAGS)) {
    throw new Error(
      "the build gives both user (-s) and global (-gs) settings, so there is no place for the server's credentials; put the <server> in your settings file, or drop -gs from 'arguments'",
    );
  }
  return '-gs';
}

/** The settings file: one <server> whose credentials are environment placeholders. */
export function serverSettingsXml(id: string): string {
  if (!SERVER_ID.test(id)) throw new Error(`server id: got "${id}"; expected letters, digits, '.', '_' or '-'`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0"',
    '          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    '          xsi:schemaLocation="http://maven.apache.org/SETTINGS/1.0.0 https://maven.apache.org/xsd/settings-1.0.0.xsd">',
    '  <servers>',
    '    <server>',
    `      <id>${id}</id>`,
    `      <username>\${env.${USERNAME_VARIABLE}}</username>`,
    `      <password>\${env.${PASSWORD_VARIABLE}}</password>`,
    '    </server>',
    '  </servers>',
    '</settings>',
    '',
  ].join('\n');
}

/** Writes the settings (mode 0600) into `dir`; returns its path. */
export function writeServerSettings(dir: string, id: string): string {
  const path = join(dir, 'settings.xml');
  writeFileSync(path, serverSettingsXml(id), { mode: 0o600, flag: 'wx' });
  return path;
}

/** The variables the child gets, beside the rest of its environment. */
export function credentialEnv(credentials: ServerCredentials): Record<string, string> {
  return { [USERNAME_VARIABLE]: credentials.username, [PASSWORD_VARIABLE]: credentials.password };
}
