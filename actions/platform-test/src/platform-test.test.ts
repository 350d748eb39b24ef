// platform-test from its bundle, as the runner runs it, without Docker: inputs refused before
// anything runs, and the HTTP checks of a spec pointed at a base URL (post-deploy smoke test).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runBundledAction } from '../../../test/harness/index.ts';

const workspace = mkdtempSync(join(tmpdir(), 'platform-test-unit-'));
const exampleSpec = join(repoRoot, 'examples', 'licensing-service', 'platform-test.yml');
const spec = 'platform-test.yml';
writeFileSync(join(workspace, spec), readFileSync(exampleSpec, 'utf8'));
const digest = `sha256:${'a'.repeat(64)}`;
let server: Server;
let baseUrl: string;
let productName = 'Ostock';
let requests = 0;

/**
 * Hostile response bodies, quoted in the ✗ line of a failed check: `::` commands, `##[` at the
 * start and in mid-line, a U+0085 lead, `%0A`, a `\r` line break, stop-commands.
 */
const HOSTILE: [string, string][] = [
  ['::error:: at the start', '::error::injected-1'],
  ['::add-mask::', '::add-mask::injected-2'],
  ['::set-output', '::set-output name=passed::injected-3'],
  ['##[ at the start', '##[error]injected-4'],
  ['##[ in mid-line', 'harmless text ##[warning]injected-5'],
  ['a U+0085 lead', '\u0085::error::injected-6'],
  ['%0A before a command', '%0A::error::injected-7'],
  ['\r as a line break', 'progress 50%\r::error::injected-8'],
  ['stop-commands', '::stop-commands::injected-9'],
];

beforeAll(async () => {
  // Stands for a deployed licensing service.
  server = createServer((req, res) => {
    requests++;
    const match = /^\/v1\/organization\/([\w-]+)\/license\/([\w-]+)$/.exec(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    const hostile = /^\/hostile\/(\d+)$/.exec(req.url ?? '');
    if (hostile) {
      res.statusCode = 500;
      res.end(HOSTILE[Number(hostile[1])]?.[1] ?? '');
    } else if (req.url === '/actuator/health') res.end('{"status":"UP"}');
    else if (match?.[2] === 'f2a9c9d4-d2c0-44fa-97fe-724d77173c62') {
      res.end(
        JSON.stringify({
          licenseId: match[2],
          organizationId: match[1],
          productName,
          licenseType: 'complete',
          description: 'Software product',
          comment: 'profile dev',
        }),
      );
    } else {
      res.statusCode = 404;
      res.end('{"status":404,"error":"not found"}');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

describe('platform-test inputs', () => {
  it.each([
    [{ spec }, "Input 'layout': give exactly one of layout, archive, image or base-url (got none)"],
    [
      { spec, layout: workspace, image: `r/x@${digest}` },
      "Input 'image': give exactly one of layout, archive, image or base-url (got layout, image)",
    ],
    [{ spec, layout: workspace }, "Input 'digest': is required with 'layout'"],
    [
      { spec, layout: workspace, digest: 'sha256:ABC' },
      `Input 'digest': got "sha256:ABC"; expected sha256:<64 lowercase hex>`,
    ],
    [
      { spec, image: '127.0.0.1:5000/ostock/licensing:1.0' },
      'Input \'image\': got "127.0.0.1:5000/ostock/licensing:1.0"; expected repository@sha256:<64 hex> (a tag is never tested)',
    ],
    [{ spec, 'base-url': 'ftp://x' }, `Input 'base-url': got "ftp://x"; expected http(s)://host[:port][/path]`],
    [{ spec, layout: workspace, digest, 'startup-timeout': '60' }, "Input 'startup-timeout'"],
    [{ spec, layout: workspace, digest, env: 'NOT A PAIR' }, "Input 'env': line 1"],
  ])('refuses %j before anything runs', async (inputs, message) => {
    const result = await runBundledAction('platform-test', { inputs, workspace });
    expect(result.exitCode).toBe(1);
    expect(result.annotations[0]?.message).toContain(message);
    expect(result.log).not.toContain('Verify sha256');
  });

  it('refuses a spec with a typo, naming the file, line and key', async () => {
    writeFileSync(
      join(workspace, 'typo.yml'),
      readFileSync(exampleSpec, 'utf8').replace('        headers:\n', '        header:\n'),
    );
    const result = await runBundledAction('platform-test', {
      inputs: { spec: 'typo.yml', layout: workspace, digest },
      workspace,
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations[0]?.message).toMatch(
      /^Input 'spec': .*typo\.yml:\d+:9: checks\[0\]\.http\.expect\.header: unknown key 'header'/,
    );
  });
});

/** The stdout lines other than the runner's `::add-mask::` commands (which the runner consumes). */
function shownLines(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

describe('secret-env is masked before anything can print it', () => {
  const SECRET = 'pl4tformSecretValue-0001';
  it.each([
    [
      'a value pasted alone on a line',
      `OK_KEY=fine-value-001\n${SECRET}`,
      "Input 'secret-env': line 2 is not KEY=VALUE",
    ],
    ['a key with a space', `BAD KEY=${SECRET}`, "Input 'secret-env': line 1 is not KEY=VALUE"],
    ['a repeated key', `K=${SECRET}\nK=${SECRET}`, "Input 'secret-env': line 2 repeats the key K"],
  ])('%s: the error names the line number, never the value', async (_what, secretEnv, message) => {
    const before = requests;
    const result = await runBundledAction('platform-test', {
      inputs: { spec, 'base-url': baseUrl, 'secret-env': secretEnv },
      workspace,
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations[0]?.message).toContain(message);
    expect(result.masks).toContain(SECRET);
    expect(result.log).not.toContain(SECRET);
    expect(shownLines(result.stdout)).not.toContain(SECRET);
    expect(result.stderr).not.toContain(SECRET);
    expect(requests).toBe(before);
  });

  it('is masked before another input is refused', async () => {
    const result = await runBundledAction('platform-test', {
      inputs: { spec, layout: workspace, digest: `sha256:${SECRET}`, 'secret-env': `API_TOKEN=${SECRET}` },
      workspace,
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations[0]?.message).toMatch(/^Input 'digest': got "sha256:/);
    expect(result.log).toContain('got "sha256:***"');
    expect(result.log).not.toContain(SECRET);
    // raw stdout: the value appears only after the runner was told to mask it
    const firstMask = result.stdout.indexOf(`::add-mask::${SECRET}`);
    expect(firstMask).toBeGreaterThanOrEqual(0);
    expect(result.stdout.indexOf(SECRET)).toBe(firstMask + '::add-mask::'.length);
    expect(result.stderr).not.toContain(SECRET);
  });
});

describe('junit-path is checked before anything runs', () => {
  it.each([
    ['outside the workspace', '../outside-junit.xml', 'expected a path inside the workspace'],
    ['a directory', '.', 'expected a file path, found a directory'],
    ['a trailing slash', 'reports/', 'expected a file path, found a directory'],
    ['under a file', `${spec}/junit.xml`, 'its parent cannot be created'],
  ])('refuses a path %s, naming the input', async (_what, junitPath, message) => {
    const before = requests;
    const result = await runBundledAction('platform-test', {
      inputs: { spec, 'base-url': baseUrl, 'junit-path': junitPath },
      workspace,
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations[0]?.message).toMatch(/^Input 'junit-path': /);
    expect(result.annotations[0]?.message).toContain(message);
    expect(requests).toBe(before);
    expect(result.outputs['junit-path']).toBeUndefined();
  });

  it('writes the report where asked, creating its directory', async () => {
    const result = await runBundledAction('platform-test', {
      inputs: { spec, 'base-url': baseUrl, 'junit-path': 'reports/nested/junit.xml' },
      workspace,
    });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.outputs['junit-path']).toBe(join(workspace, 'reports', 'nested', 'junit.xml'));
    expect(readFileSync(join(workspace, 'reports', 'nested', 'junit.xml'), 'utf8')).toContain('<testsuite');
  });
});

describe('HTTP bodies quoted in ✗ lines carry workflow commands', () => {
  let result: Awaited<ReturnType<typeof runBundledAction>>;
  beforeAll(async () => {
    const checks = HOSTILE.map(
      (_, index) =>
        `  - name: hostile body ${index}\n    http:\n      path: /hostile/${index}\n      expect:\n        status: 200\n`,
    ).join('');
    writeFileSync(
      join(workspace, 'hostile.yml'),
      `target:\n  port: 8080\n  readiness:\n    http: /actuator/health\nchecks:\n${checks}`,
    );
    result = await runBundledAction('platform-test', {
      inputs: { spec: 'hostile.yml', 'base-url': baseUrl },
      workspace,
    });
  });

  it('the verdict is the checks’: exit 1, every check failed, one error annotation', () => {
    expect(result.exitCode).toBe(1);
    expect(result.outputs).toMatchObject({ passed: '0', failed: String(HOSTILE.length), skipped: '0' });
    expect(result.annotations).toHaveLength(1);
    expect(result.annotations[0]?.message).toMatch(
      new RegExp(`^${HOSTILE.length} check\\(s\\) failed: hostile body 0`),
    );
    expect(result.deprecatedCommands).toEqual([]);
    expect(result.masks).toEqual([]);
    expect(Object.keys(result.outputs).sort()).toEqual(['failed', 'junit-path', 'passed', 'skipped']);
  });

  it.each(HOSTILE)('%s: quoted in its ✗ line, inert', (_what, text) => {
    const marker = /injected-\d+/.exec(text)?.[0] ?? '';
    const lines = result.stdout.split(/\r?\n/);
    expect(lines.some((line) => line.startsWith('✗ hostile body') && line.includes(marker))).toBe(true);
    for (const value of Object.values(result.outputs)) expect(value).not.toContain(marker);
    expect(result.masks).not.toContain(marker);
    // the step's own failure quotes the messages as data; no other annotation may carry the text
    const own = `${HOSTILE.length} check(s) failed`;
    for (const a of result.annotations.filter((x) => !x.message.startsWith(own)))
      expect(a.message).not.toContain(marker);
  });
});

describe('platform-test against a base URL', () => {
  it('runs the HTTP checks and reports the image checks as not applicable', async () => {
    const result = await runBundledAction('platform-test', { inputs: { spec, 'base-url': baseUrl }, workspace });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.outputs).toMatchObject({ passed: '3', failed: '0', skipped: '4' });
    expect(result.summary).toContain('not applicable: the target is a URL');
    const junit = readFileSync(result.outputs['junit-path'] ?? '', 'utf8');
    expect(XMLValidator.validate(junit)).toBe(true);
    expect(junit).toContain('tests="7" failures="0" errors="0" skipped="4"');
    expect(result.phases.map((p) => p.name)).toEqual(['main', 'post']);
  });

  it('fails naming the check and the JSON path that differs', async () => {
    productName = '0stock';
    try {
      const result = await runBundledAction('platform-test', { inputs: { spec, 'base-url': baseUrl }, workspace });
      expect(result.exitCode).toBe(1);
      expect(result.outputs.failed).toBe('1');
      expect(result.annotations.find((a) => a.level === 'error')?.message).toContain(
        'license lookup returns the license as JSON ($.productName is "0stock", expected "Ostock")',
      );
    } finally {
      productName = 'Ostock';
    }
  });
});
