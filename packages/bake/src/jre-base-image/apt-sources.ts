// Finds the Debian mirror this machine's apt already uses, so the base image is fetched from the
// same place as every other package (never a hard-coded host). Reads both formats: deb822
// (`*.sources`) and one-line (`sources.list`, `*.list`). Files with other suffixes
// (`*.disabled-by-farm`, `*.save`) are ignored, as apt ignores them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AptSource {
  /** The file it came from, for error messages. */
  file: string;
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
}

/** Parses deb822 stanzas; a stanza with `Enabled: no` is dropped. */
export function parseDeb822Sources(text: string, file: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const stanza of text.split(/\r?\n[ \t]*\r?\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of stanza.split(/\r?\n/)) {
      if (line.startsWith('#') || line.trim() === '') continue;
      if (/^[ \t]/.test(line) && last !== undefined) {
        fields.set(last, `${fields.get(last) ?? ''} ${line.trim()}`);
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      last = line.slice(0, colon).trim().toLowerCase();
      fields.set(last, line.slice(colon + 1).trim());
    }
    if (!fields.has('uris')) continue;
    if ((fields.get('enabled') ?? 'yes').toLowerCase() === 'no') continue;
    const words = (name: string) => (fields.get(name) ?? '').split(/\s+/).filter((w) => w !== '');
    sources.push({
      file,
      types: words('types'),
      uris: words('uris'),
      suites: words('suites'),
      components: words('components'),
    });
  }
  return sources;
}

/** Parses `deb [options] uri suite component...` lines. */
export function parseOneLineSources(text: string, file: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const match = /^(deb|deb-src)\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, type = '', uri = '', suite = '', components = ''] = match;
    sources.push({
      file,
      types: [type],
      uris: [uri],
      suites: [suite],
      components: components.split(/\s+/).filter((w) => w !== ''),
    });
  }
  return sources;
}

/** Every enabled source of an apt configuration directory (default `/etc/apt`). */
export function readAptSources(aptDir = '/etc/apt'): AptSource[] {
  const sources: AptSource[] = [];
  const main = join(aptDir, 'sources.list');
  if (existsSync(main)) sources.push(...parseOneLineSources(readFileSync(main, 'utf8'), main));
  const partsDir = join(aptDir, 'sources.list.d');
  if (existsSync(partsDir)) {
    for (const name of readdirSync(partsDir).sort()) {
      const file = join(partsDir, name);
      if (name.endsWith('.list')) sources.push(...parseOneLineSources(readFileSync(file, 'utf8'), file));
      else if (name.endsWith('.sources')) sources.push(...parseDeb822Sources(readFileSync(file, 'utf8'), file));
    }
  }
  return sources;
}

/** The first binary (`deb`) source that serves `suite` itself (not `<suite>-updates` or `-security`). */
export function findDebianMirror(sources: readonly AptSource[], suite: string): string {
  for (const source of sources) {
    if (!source.types.includes('deb') || !source.suites.includes(suite)) continue;
    const uri = source.uris.find((u) => /^https?:\/\//.test(u));
    if (uri) return uri.replace(/\/+$/, '');
  }
  const files = [...new Set(sources.map((s) => s.file))];
  throw new Error(
    `base image: no apt source serves the suite '${suite}' over http(s); read ${files.length > 0 ? files.join(', ') : 'no sources files'}`,
  );
}
