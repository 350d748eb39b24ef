// Generates the inputs and outputs tables of every action's README.md from its action.yml,
// between `<!-- inputs -->`/`<!-- /inputs -->` and `<!-- outputs -->`/`<!-- /outputs -->`.
//   node scripts/action-docs.ts           rewrite the tables
//   node scripts/action-docs.ts --check   fail if a README's tables differ from action.yml
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ActionMetadata, readActionMetadata } from '@bakeline/action-host';

const root = join(import.meta.dirname, '..');

function cell(text: string | undefined): string {
  return (text ?? '').trim().replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

export function inputsTable(metadata: ActionMetadata): string {
  const rows = Object.entries(metadata.inputs).map(
    ([name, spec]) =>
      `| \`${name}\` | ${spec.required ? 'yes' : 'no'} | ${spec.default === undefined || spec.default === '' ? '' : `\`${cell(spec.default)}\``} | ${cell(spec.description)} |`,
  );
  return ['| input | required | default | description |', '|---|---|---|---|', ...rows].join('\n');
}

export function outputsTable(metadata: ActionMetadata): string {
  const rows = Object.entries(metadata.outputs).map(([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`);
  return ['| output | description |', '|---|---|', ...rows].join('\n');
}

export function renderReadme(readme: string, metadata: ActionMetadata, file = 'README.md'): string {
  let text = readme;
  for (const [tag, table] of [
    ['inputs', inputsTable(metadata)],
    ['outputs', outputsTable(metadata)],
  ] as const) {
    const pattern = new RegExp(`<!-- ${tag} -->[\\s\\S]*?<!-- /${tag} -->`);
    if (!pattern.test(text)) throw new Error(`${file}: no <!-- ${tag} --> ... <!-- /${tag} --> block`);
    text = text.replace(pattern, `<!-- ${tag} -->\n${table}\n<!-- /${tag} -->`);
  }
  return text;
}

/** Table rows compared cell by cell, so a Markdown formatter's padding is not drift. */
export function normalizeTables(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line.startsWith('|')
        ? line
            .split(/(?<!\\)\|/)
            .map((cell) => cell.trim().replace(/^-{3,}$/, '---'))
            .join('|')
        : line,
    )
    .join('\n');
}

export function readmeIsCurrent(readme: string, metadata: ActionMetadata): boolean {
  return normalizeTables(renderReadme(readme, metadata)) === normalizeTables(readme);
}

function main(): void {
  const check = process.argv.includes('--check');
  let failed = 0;
  for (const name of readdirSync(join(root, 'actions')).sort()) {
    const dir = join(root, 'actions', name);
    if (!existsSync(join(dir, 'action.yml'))) continue;
    const readmePath = join(dir, 'README.md');
    try {
      const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';
      const rendered = renderReadme(readme, readActionMetadata(dir), `actions/${name}/README.md`);
      if (check) {
        if (normalizeTables(rendered) !== normalizeTables(readme)) {
          failed++;
          console.log(
            `FAIL actions/${name}/README.md: tables differ from action.yml; run 'node scripts/action-docs.ts'`,
          );
        } else console.log(`ok   actions/${name}/README.md`);
      } else if (normalizeTables(rendered) !== normalizeTables(readme)) {
        writeFileSync(readmePath, rendered);
        console.log(`updated actions/${name}/README.md`);
      }
    } catch (error: unknown) {
      failed++;
      console.log(`FAIL ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  process.exitCode = failed > 0 ? 1 : 0;
}

if (import.meta.filename === process.argv[1]) main();
