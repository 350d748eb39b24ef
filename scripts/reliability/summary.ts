// The reliability figures of issue #15 in one place: what the suites wrote under
// test/reliability/results/ (push-faults.json, promote-faults.json, hostile-inputs.json,
// secret-scan.json), summed up into summary.json and rendered as the README's "Reliability"
// tables. A suite that has not written its file is shown as "not measured", never as zero.

export const SUITE_FILES = {
  pushFaults: 'push-faults.json',
  promoteFaults: 'promote-faults.json',
  hostileInputs: 'hostile-inputs.json',
  secretScan: 'secret-scan.json',
} as const;

export interface NotMeasured {
  notMeasured: string;
}

export interface FaultFigures {
  seed: number;
  total: number;
  byKind: Record<string, number>;
}

export interface CountFigures {
  succeeded: number;
  of: number;
}

export interface Summary {
  sources: string[];
  faults: { pushes: FaultFigures | NotMeasured; promotions: FaultFigures | NotMeasured };
  survived: { pushes: CountFigures | NotMeasured; promotions: CountFigures | NotMeasured };
  hostileInputs: { refused: number; of: number } | NotMeasured;
  secrets: { found: number; searched: number; files: number } | NotMeasured;
  seeds: Record<string, number>;
}

/** The suites' files by name; a missing one is `undefined`. */
export type ResultFiles = Partial<Record<(typeof SUITE_FILES)[keyof typeof SUITE_FILES], unknown>>;

function notMeasured(file: string): NotMeasured {
  return { notMeasured: `not measured: ${file} not written by its suite` };
}

function field(file: string, doc: unknown, name: string): unknown {
  if (typeof doc !== 'object' || doc === null) throw new Error(`${file}: expected a JSON object`);
  return (doc as Record<string, unknown>)[name];
}

function count(file: string, doc: unknown, name: string): number {
  const value = field(file, doc, name);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new Error(`${file}: '${name}' is ${JSON.stringify(value)}; expected a count (an integer >= 0)`);
  }
  return value;
}

function faults(file: string, doc: unknown): FaultFigures {
  const byKind = field(file, doc, 'faultsByKind');
  if (typeof byKind !== 'object' || byKind === null || Array.isArray(byKind)) {
    throw new Error(`${file}: 'faultsByKind' is ${JSON.stringify(byKind)}; expected an object of counts by kind`);
  }
  const kinds: Record<string, number> = {};
  for (const kind of Object.keys(byKind).sort()) kinds[kind] = count(file, byKind, kind);
  return {
    seed: count(file, doc, 'seed'),
    total: Object.values(kinds).reduce((n, k) => n + k, 0),
    byKind: kinds,
  };
}

/** Sums up the suites' files (each as parsed JSON). */
export function summarize(files: ResultFiles): Summary {
  const push = files[SUITE_FILES.pushFaults];
  const promote = files[SUITE_FILES.promoteFaults];
  const hostile = files[SUITE_FILES.hostileInputs];
  const secrets = files[SUITE_FILES.secretScan];
  const summary: Summary = {
    sources: Object.values(SUITE_FILES).filter((f) => files[f] !== undefined),
    faults: {
      pushes: push === undefined ? notMeasured(SUITE_FILES.pushFaults) : faults(SUITE_FILES.pushFaults, push),
      promotions:
        promote === undefined ? notMeasured(SUITE_FILES.promoteFaults) : faults(SUITE_FILES.promoteFaults, promote),
    },
    survived: {
      pushes:
        push === undefined
          ? notMeasured(SUITE_FILES.pushFaults)
          : {
              succeeded: count(SUITE_FILES.pushFaults, push, 'succeeded'),
              of: count(SUITE_FILES.pushFaults, push, 'pushes'),
            },
      promotions:
        promote === undefined
          ? notMeasured(SUITE_FILES.promoteFaults)
          : {
              succeeded: count(SUITE_FILES.promoteFaults, promote, 'succeeded'),
              of: count(SUITE_FILES.promoteFaults, promote, 'promotions'),
            },
    },
    hostileInputs:
      hostile === undefined
        ? notMeasured(SUITE_FILES.hostileInputs)
        : {
            refused: count(SUITE_FILES.hostileInputs, hostile, 'refused'),
            of: count(SUITE_FILES.hostileInputs, hostile, 'rows'),
          },
    secrets:
      secrets === undefined
        ? notMeasured(SUITE_FILES.secretScan)
        : {
            found: count(SUITE_FILES.secretScan, secrets, 'secretsFound'),
            searched: count(SUITE_FILES.secretScan, secrets, 'secretsSearched'),
            files: count(SUITE_FILES.secretScan, secrets, 'files'),
          },
    seeds: {},
  };
  for (const [suite, figures] of [
    ['push-faults', summary.faults.pushes],
    ['promote-faults', summary.faults.promotions],
  ] as const) {
    if ('seed' in figures) summary.seeds[suite] = figures.seed;
  }
  return summary;
}

function measured<T extends object>(value: T | NotMeasured): value is T {
  return !('notMeasured' in value);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function ofText(figures: CountFigures | { refused: number; of: number } | NotMeasured, what: string): string {
  if (!measured(figures)) return figures.notMeasured;
  const n = 'refused' in figures ? figures.refused : figures.succeeded;
  return `${n} of ${figures.of} ${what}`;
}

/** The README's "Reliability" tables, generated from summary.json. */
export function renderSection(summary: Summary): string {
  const { pushes, promotions } = summary.faults;
  const faultCell = (f: FaultFigures | NotMeasured) => (measured(f) ? `${f.total} (seed ${f.seed})` : f.notMeasured);
  const secrets = summary.secrets;
  const rows = [
    ['faults injected into pushes', faultCell(pushes), SUITE_FILES.pushFaults],
    ['faults injected into promotions', faultCell(promotions), SUITE_FILES.promoteFaults],
    [
      'pushes survived (expected digest, within the retry budget)',
      ofText(summary.survived.pushes, 'pushes'),
      SUITE_FILES.pushFaults,
    ],
    ['promotions survived', ofText(summary.survived.promotions, 'promotions'), SUITE_FILES.promoteFaults],
    [
      'hostile inputs refused (exit 1, named, nothing changed)',
      ofText(summary.hostileInputs, 'rows'),
      SUITE_FILES.hostileInputs,
    ],
    [
      'secrets found in a whole main-job run',
      measured(secrets)
        ? `${secrets.found} (${secrets.searched} secrets searched in ${secrets.files} files)`
        : secrets.notMeasured,
      SUITE_FILES.secretScan,
    ],
    [
      'seeds',
      Object.entries(summary.seeds)
        .map(([suite, seed]) => `${suite} ${seed}`)
        .join(', ') || 'none',
      '',
    ],
  ];
  const kinds = [
    ...new Set([
      ...(measured(pushes) ? Object.keys(pushes.byKind) : []),
      ...(measured(promotions) ? Object.keys(promotions.byKind) : []),
    ]),
  ].sort();
  const kindCell = (f: FaultFigures | NotMeasured, kind: string) =>
    measured(f) ? String(f.byKind[kind] ?? 0) : 'not measured';
  const byKind = kinds.map((kind) => [kind, kindCell(pushes, kind), kindCell(promotions, kind)]);
  return [
    table(['figure', 'value', 'from test/reliability/results/'], rows),
    '',
    'Faults injected, by kind:',
    '',
    table(['kind', 'pushes', 'promotions'], byKind),
  ].join('\n');
}

const BLOCK = /<!-- reliability -->[\s\S]*?<!-- \/reliability -->/;

/** README text with its `<!-- reliability -->` block replaced by the generated tables. */
export function renderReadme(readme: string, summary: Summary, file = 'README.md'): string {
  if (!BLOCK.test(readme)) throw new Error(`${file}: no <!-- reliability --> ... <!-- /reliability --> block`);
  return readme.replace(BLOCK, `<!-- reliability -->\n${renderSection(summary)}\n<!-- /reliability -->`);
}
