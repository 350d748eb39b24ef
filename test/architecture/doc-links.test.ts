// Issue #16, item 8: every relative link of the repository's documents resolves to a file or
// folder of the repository, and an anchor into a Markdown file names one of its headings (as
// GitHub makes them: github-slugger's rules).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { read, repoRoot } from './source-files.ts';

function documents(): string[] {
  const packages = readdirSync(join(repoRoot, 'packages'))
    .map((p) => `packages/${p}/README.md`)
    .filter((p) => existsSync(join(repoRoot, p)));
  const docs = readdirSync(join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`);
  return ['README.md', 'CONTRIBUTING.md', 'bench/README.md', ...docs, ...packages];
}

/** Markdown text without fenced code blocks and inline code spans (links there are not links). */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Relative link targets: `[text](target)`, without external URLs. */
export function relativeLinks(markdown: string): string[] {
  const links: string[] = [];
  for (const match of prose(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = match[1] ?? '';
    if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push(target);
  }
  return links;
}

/** GitHub's heading anchors of a Markdown file (github-slugger: lower case, punctuation dropped, spaces to -, duplicates -1, -2). */
export function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const match of markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = (match[1] ?? '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

function broken(document: string): string[] {
  const problems: string[] = [];
  for (const link of relativeLinks(read(document))) {
    const [path = '', anchor] = link.split('#', 2);
    const target = path === '' ? join(repoRoot, document) : join(repoRoot, dirname(document), decodeURI(path));
    const shown = `${document}: (${link})`;
    if (relative(repoRoot, target).startsWith('..')) {
      problems.push(`${shown} leaves the repository`);
      continue;
    }
    if (!existsSync(target)) {
      problems.push(`${shown}: no such file`);
      continue;
    }
    if (anchor && statSync(target).isFile() && target.endsWith('.md')) {
      if (!headingAnchors(read(relative(repoRoot, target))).has(anchor))
        problems.push(`${shown}: no heading #${anchor}`);
    }
  }
  return problems;
}

describe('document links', () => {
  test('the link and anchor readers work as GitHub does', () => {
    expect(relativeLinks('[a](x.md) [b](https://e.org) `[c](no.md)` [d](y.md#z "t")\n```\n[e](no2.md)\n```')).toEqual([
      'x.md',
      'y.md#z',
    ]);
    expect([
      ...headingAnchors('# Quick start (a fresh Debian 12 machine, as root)\n## `build.yml`\n## A\n## A'),
    ]).toEqual(['quick-start-a-fresh-debian-12-machine-as-root', 'buildyml', 'a', 'a-1']);
  });

  test('every package has a README', () => {
    const missing = readdirSync(join(repoRoot, 'packages')).filter(
      (p) =>
        statSync(join(repoRoot, 'packages', p)).isDirectory() &&
        !existsSync(join(repoRoot, 'packages', p, 'README.md')),
    );
    expect(missing).toEqual([]);
  });

  test.each(documents())('%s: every relative link resolves', (document) => {
    expect(broken(document)).toEqual([]);
  });

  test('README and CONTRIBUTING link docs/workflows.md', () => {
    for (const document of ['README.md', 'CONTRIBUTING.md']) {
      expect(
        relativeLinks(read(document)).some((l) => l.split('#')[0] === 'docs/workflows.md'),
        document,
      ).toBe(true);
    }
  });

  test('the three questions of issue 16 are one hop from the README', () => {
    const links = relativeLinks(read('README.md'));
    for (const file of [
      'packages/oci/src/layout/layout-writer.ts',
      'packages/kube/src/wait-rollout.ts',
      'packages/workflow-runner/src/action-refs.ts',
    ]) {
      expect(links).toContain(file);
    }
  });
});
