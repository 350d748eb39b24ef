import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scratch } from '../test/scratch.ts';
import {
  credentialEnv,
  PASSWORD_VARIABLE,
  serverSettingsXml,
  settingsPlacement,
  USERNAME_VARIABLE,
  writeServerSettings,
} from './server-settings.ts';

describe('server settings', () => {
  it('names the credentials by environment placeholders, as setup-java does', () => {
    const xml = serverSettingsXml('corp-releases');
    expect(xml).toContain('<id>corp-releases</id>');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Maven's own interpolation syntax
    expect(xml).toContain('<username>${env.BAKELINE_MAVEN_USERNAME}</username>');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Maven's own interpolation syntax
    expect(xml).toContain('<password>${env.BAKELINE_MAVEN_PASSWORD}</password>');
  });

  it('refuses an id that would break the XML', () => {
    expect(() => serverSettingsXml('a</id><x>')).toThrow(/server id: got "a<\/id><x>"/);
  });

  it('writes the file with mode 0600 and never over an existing one', () => {
    const dir = scratch();
    const path = writeServerSettings(dir, 'corp');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(() => writeServerSettings(dir, 'corp')).toThrow(/EEXIST/);
  });

  it('gives the secrets as the two variables only', () => {
    expect(credentialEnv({ id: 'corp', username: 'u', password: 'p' })).toEqual({
      [USERNAME_VARIABLE]: 'u',
      [PASSWORD_VARIABLE]: 'p',
    });
  });
});

describe('settingsPlacement', () => {
  const home = scratch();
  const homeWithSettings = scratch({ '.m2/settings.xml': '<settings/>' });

  it.each([
    ['no settings of the build', [], undefined, home, '-s'],
    ['a settings-file', [], '/w/settings.xml', home, '-gs'],
    ['-s in the arguments', ['-s', 'ci.xml'], undefined, home, '-gs'],
    ['--settings= in the arguments', ['--settings=ci.xml'], undefined, home, '-gs'],
    ['~/.m2/settings.xml', [], undefined, homeWithSettings, '-gs'],
    ['only -gs in the arguments', ['-gs', 'g.xml'], undefined, home, '-s'],
  ] as const)('with %s: %s', (_name, args, settingsFile, h, expected) => {
    expect(settingsPlacement(args, settingsFile, h)).toBe(expected);
  });

  it('refuses when the build already gives both -s and -gs', () => {
    expect(() => settingsPlacement(['-gs', 'g.xml'], '/w/s.xml', home)).toThrow(/both user \(-s\) and global \(-gs\)/);
  });
});
