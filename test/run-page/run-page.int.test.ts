// The run page (issue #18, item 4) in a real browser: a workflow runs through the local runner
// (three jobs, a digest handed from job to job, a folded group, a debug line, an annotation, a
// job summary), its page is written, and Debian's chromium, headless over the DevTools protocol
// (puppeteer-core), opens it from disk. The test reads the rendered DOM: the jobs and their
// status, the digest on the edges it travels, a folded group that expands on a click, the
// annotation with its file and line, the summary rendered in its sandboxed frame. It saves a
// screenshot under test/run-page/output/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { emptyEnvironments, RunRecorder, runWorkflow, writeRunPage } from '@bakeline/workflow-runner';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const DIGEST = `sha256:${'ab12'.repeat(16)}`;
const output = resolve(import.meta.dirname, 'output');

const WORKFLOW = `name: page-demo
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      digest: \${{ steps.bake.outputs.digest }}
    steps:
      - id: bake
        name: bake the image
        run: |
          echo "::group::docker build"
          for i in 1 2 3 4 5; do echo "step $i of the build"; done
          echo "::endgroup::"
          echo "::debug::cache key k-123"
          echo "::warning file=Dockerfile,line=3,col=1::base image is not pinned"
          echo "digest=${DIGEST}" >> "$GITHUB_OUTPUT"
          printf '### Baked\\n\\n| digest |\\n| --- |\\n| \`${DIGEST}\` |\\n' >> "$GITHUB_STEP_SUMMARY"
  test:
    needs: build
    runs-on: ubuntu-latest
    outputs:
      digest: \${{ needs.build.outputs.digest }}
    steps:
      - run: echo "testing \${{ needs.build.outputs.digest }}"
  deploy:
    needs: test
    runs-on: ubuntu-latest
    steps:
      - run: echo "deployed"
`;

let scratch: string;
let page: string;
let browser: Browser | undefined;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'bakeline-run-page-'));
  const repo = join(scratch, 'repo');
  mkdirSync(join(repo, '.github/workflows'), { recursive: true });
  writeFileSync(join(repo, '.github/workflows/demo.yml'), WORKFLOW);
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: repo,
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    });
  git('init', '--quiet', '-b', 'main');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'demo');
  const recorder = new RunRecorder();
  const outcome = await runWorkflow({
    workflow: join(repo, '.github/workflows/demo.yml'),
    event: 'push',
    repoDir: repo,
    repository: 'bakeline-dev/page-demo',
    environments: emptyEnvironments(),
    runDir: join(scratch, 'run'),
    onEvent: recorder.onEvent,
  });
  if (outcome.result.result !== 'success') throw new Error(`the demo run did not succeed: ${outcome.result.result}`);
  page = writeRunPage(outcome.runDir, outcome.result, recorder);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: scripts/test.sh installs Debian's chromium`);
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // root on CI: chromium's sandbox needs user namespaces it does not get there
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the run page in chromium', () => {
  test('jobs, the digest on its edges, a group that expands, the annotation and the summary', async () => {
    if (!browser) throw new Error('no browser');
    const tab = await browser.newPage();
    const requests: string[] = [];
    tab.on('request', (r) => requests.push(r.url()));
    await tab.setViewport({ width: 1280, height: 900 });
    await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });

    const jobs = await tab.$$eval('svg a.job', (nodes) =>
      nodes.map((n) => `${n.getAttribute('data-job')}:${n.getAttribute('data-result')}`),
    );
    expect(jobs).toEqual(['build:success', 'test:success', 'deploy:success']);
    const edges = await tab.$$eval('svg g.edge', (nodes) =>
      nodes.map((n) => [n.getAttribute('data-from'), n.getAttribute('data-to'), n.getAttribute('data-digest')]),
    );
    expect(edges).toEqual([
      ['build', 'test', DIGEST],
      ['test', 'deploy', DIGEST],
    ]);
    expect(await tab.$eval('svg g.edge text', (n) => n.textContent)).toContain(DIGEST.slice(0, 19));

    // the step holding the group is folded; open it, then the group: its lines become visible
    const group = 'section[data-job="build"] details.group';
    expect(await tab.$eval(group, (d) => (d as unknown as { open: boolean }).open)).toBe(false);
    expect(await tab.$eval(`${group} > summary`, (s) => s.textContent)).toBe('docker build (5 lines)');
    await tab.click('section[data-job="build"] details.step > summary');
    await tab.click(`${group} > summary`);
    expect(await tab.$eval(group, (d) => (d as unknown as { open: boolean }).open)).toBe(true);
    const visible = await tab.$$eval(`${group} .line`, (lines) =>
      lines.filter((l) => (l as unknown as { offsetHeight: number }).offsetHeight > 0).map((l) => l.textContent),
    );
    expect(visible).toEqual([1, 2, 3, 4, 5].map((i) => `step ${i} of the build`));

    // the debug line is there but hidden until asked for
    const debug = 'section[data-job="build"] .debug';
    expect(await tab.$eval(debug, (d) => (d as unknown as { offsetHeight: number }).offsetHeight)).toBe(0);
    await tab.click('#show-debug');
    expect(await tab.$eval(debug, (d) => (d as unknown as { offsetHeight: number }).offsetHeight)).toBeGreaterThan(0);

    const annotation = await tab.$eval('main > section .annotation.warning', (a) => a.textContent);
    expect(annotation).toContain('Dockerfile:3:1');
    expect(annotation).toContain('base image is not pinned');

    const frame = tab.frames().find((f) => f !== tab.mainFrame());
    expect(frame, 'the summary frame').toBeDefined();
    const summary = await frame?.$eval('body', (b) => [
      b.querySelector('h3')?.textContent,
      b.querySelector('td')?.textContent,
    ]);
    expect(summary).toEqual(['Baked', DIGEST]);

    // nothing but the page itself was loaded
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('about:'))).toEqual([]);
    mkdirSync(output, { recursive: true });
    await tab.screenshot({ path: join(output, 'run-page.png'), fullPage: true });
    console.log(`run page screenshot: ${join(output, 'run-page.png')}`);
  });
});
