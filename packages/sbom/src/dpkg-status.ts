// dpkg's database of installed packages: /var/lib/dpkg/status (one deb822 paragraph per package,
// as dpkg writes it; see deb-control(5) and dpkg(1)), or for distroless-style images one file per
// package under /var/lib/dpkg/status.d/. A package counts when its Status says it is installed
// (`install ok installed`, `hold ok installed`); a status.d file carries no Status and counts.
// Bounded: a file over MAX_DPKG_STATUS_BYTES is refused; a paragraph without Package or Version,
// or with a malformed line, is skipped with a warning; nothing here can loop on its input.

export const MAX_DPKG_STATUS_BYTES = 64 * 1024 * 1024;
const MAX_WARNINGS = 20;

export interface DpkgPackage {
  name: string;
  version: string;
  architecture?: string;
  /** The source package, when it differs from the binary package's name. */
  source?: string;
}

export interface DpkgParseResult {
  packages: DpkgPackage[];
  warnings: string[];
}

/** Debian policy 5.6.1: lowercase letters, digits, + - . ; at least two characters, starting alphanumeric. */
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
/** Debian policy 5.6.12: [epoch:]upstream[-revision], alphanumerics and . + - ~ (and : for the epoch). */
const VERSION = /^(?:[0-9]+:)?[A-Za-z0-9][A-Za-z0-9.+~:-]*$/;
const ARCHITECTURE = /^[a-z0-9-]+$/;
const INSTALLED = /^(?:install|hold) ok installed$/;

interface Paragraph {
  fields: Map<string, string>;
  line: number;
}

function paragraphs(text: string, what: string, warnings: string[]): Paragraph[] {
  const result: Paragraph[] = [];
  let current: Paragraph | undefined;
  let last: string | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (line.trim() === '') {
      if (current) result.push(current);
      current = undefined;
      last = undefined;
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      // continuation of a multi-line field (Description, Conffiles): not needed, never appended to a key field
      if (!current || last === undefined) warn(warnings, `${what} line ${i + 1}: continuation line outside a field`);
      continue;
    }
    if (line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      warn(warnings, `${what} line ${i + 1}: expected 'Field: value', got ${JSON.stringify(line.slice(0, 60))}`);
      last = undefined;
      continue;
    }
    current ??= { fields: new Map(), line: i + 1 };
    last = line.slice(0, colon).toLowerCase();
    current.fields.set(last, line.slice(colon + 1).trim());
  }
  if (current) result.push(current);
  return result;
}

function warn(warnings: string[], message: string): void {
  if (warnings.length < MAX_WARNINGS) warnings.push(message);
  else if (warnings.length === MAX_WARNINGS) warnings.push('more warnings left out');
}

/**
 * Parses a dpkg status file (`requireStatus`) or a status.d file. Throws only when the text is
 * larger than `maxBytes`; every other defect skips the paragraph with a warning.
 */
export function parseDpkgStatus(
  text: string,
  what: string,
  options: { requireStatus: boolean; maxBytes?: number },
): DpkgParseResult {
  const max = options.maxBytes ?? MAX_DPKG_STATUS_BYTES;
  if (text.length > max) throw new Error(`${what}: ${text.length} bytes, expected at most ${max}`);
  const warnings: string[] = [];
  const packages: DpkgPackage[] = [];
  for (const paragraph of paragraphs(text, what, warnings)) {
    const at = `${what} paragraph at line ${paragraph.line}`;
    const name = paragraph.fields.get('package');
    const version = paragraph.fields.get('version');
    const status = paragraph.fields.get('status');
    if (options.requireStatus && (status === undefined || !INSTALLED.test(status))) continue;
    if (name === undefined || !PACKAGE_NAME.test(name)) {
      warn(
        warnings,
        `${at}: skipped, Package ${JSON.stringify((name ?? '').slice(0, 60))} is not a Debian package name`,
      );
      continue;
    }
    if (version === undefined || !VERSION.test(version) || version.length > 256) {
      warn(
        warnings,
        `${at}: skipped ${name}, Version ${JSON.stringify((version ?? '').slice(0, 60))} is not a Debian version`,
      );
      continue;
    }
    const architecture = paragraph.fields.get('architecture');
    const source = paragraph.fields.get('source')?.split(' ')[0];
    packages.push({
      name,
      version,
      ...(architecture && ARCHITECTURE.test(architecture) ? { architecture } : {}),
      ...(source && source !== name && PACKAGE_NAME.test(source) ? { source } : {}),
    });
  }
  return { packages, warnings };
}

export interface OsRelease {
  /** `debian` */
  id: string;
  /** `12` (absent on testing/sid) */
  versionId?: string;
}

/** Reads ID and VERSION_ID from os-release(5) text (shell-style assignments, optionally quoted). */
export function parseOsRelease(text: string): OsRelease | undefined {
  const values = new Map<string, string>();
  for (const line of text.slice(0, 64 * 1024).split('\n')) {
    const match = /^([A-Z0-9_]+)=(?:"([^"]*)"|'([^']*)'|(\S*))\s*$/.exec(line.trim());
    if (match?.[1]) values.set(match[1], match[2] ?? match[3] ?? match[4] ?? '');
  }
  const id = values.get('ID');
  if (!id || !/^[a-z0-9._-]+$/.test(id)) return undefined;
  const versionId = values.get('VERSION_ID');
  return { id, ...(versionId && /^[A-Za-z0-9._~-]+$/.test(versionId) ? { versionId } : {}) };
}
