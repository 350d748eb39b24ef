import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec, SpecError } from './spec.ts';

const fixtures = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'platform');
const fixture = (name: string) => join(fixtures, name);

function problemOf(name: string): string {
  try {
    loadSpec(fixture(name));
  } catch (error: unknown) {
    if (error instanceof SpecError) return error.message.split('\n')[0] ?? '';
    throw error;
  }
  throw new Error(`${name}: expected a SpecError`);
}

describe('loadSpec', () => {
  it('fills the defaults of a minimal spec', () => {
    expect(loadSpec(fixture('spec-01-minimal.yml'))).toEqual({
      target: { port: 8080 },
      services: [],
      checks: [
        {
          name: 'answers on /',
          kind: 'http',
          http: { method: 'GET', path: '/', timeout: 30_000, expect: { status: 200 } },
        },
      ],
    });
  });

  it('reads every kind of check and every option', () => {
    const spec = loadSpec(fixture('spec-02-every-kind.yml'));
    expect(spec.target).toEqual({ port: 8081, readiness: { kind: 'http', path: '/ready', status: 204 } });
    expect(spec.services).toEqual([
      {
        name: 'db',
        image: 'registry.example/postgres@sha256:0000000000000000000000000000000000000000000000000000000000000000',
        env: { POSTGRES_DB: 'app' },
        healthcheck: true,
      },
    ]);
    expect(spec.checks.map((c) => [c.name, c.kind])).toEqual([
      ['lookup', 'http'],
      ['image metadata', 'metadata'],
      ['config file', 'file'],
      ['no shell history', 'file'],
      ['the JRE runs', 'command'],
    ]);
    const [http, , , absent, command] = spec.checks;
    expect(http?.kind === 'http' && http.http).toMatchObject({
      method: 'POST',
      timeout: 5000,
      expect: {
        status: [200, 201],
        maxLatency: 1500,
        json: [{ path: '$.id', equals: 7 }, { equals: ['a', 'b'] }, {}, {}, {}],
      },
    });
    expect(absent?.kind === 'file' && absent.file).toEqual({ path: '/root/.bash_history', exists: false });
    expect(command?.kind === 'command' && command.command).toMatchObject({
      run: ['java', '-version'],
      user: '10001',
      timeout: 20_000,
      expect: { exitCode: 0, stderrMatches: 'version "17' },
    });
  });

  it.each([
    ['spec-03-unknown-key.yml', "7:9: checks[0].http.expect.header: unknown key 'header'"],
    ['spec-04-wrong-type.yml', '2:9: target.port: Invalid input: expected number, received string'],
    [
      'spec-05-two-kinds.yml',
      '2:5: checks[0]: a check needs exactly one of http, metadata, file, command (got http, command)',
    ],
    ['spec-06-misspelt-kind.yml', "3:5: checks[0].metadatta: unknown key 'metadatta' (and 1 more)"],
    ['spec-07-bad-regex.yml', '6:24: checks[0].command.expect.stderrMatches: expected a valid regular expression'],
    ['spec-08-bad-duration.yml', '7:21: checks[0].http.expect.maxLatency: expected a duration such as 500ms, 2s or 1m'],
    [
      'spec-09-invalid-yaml.txt',
      '(top level): invalid YAML: Flow sequence in block collection must be sufficiently indented',
    ],
    ['spec-10-duplicate-key.yml', '5:7: (top level): invalid YAML: Map keys must be unique'],
    ['spec-11-top-level-typo.yml', "3:1: chekcs: unknown key 'chekcs' (and 1 more)"],
    [
      'spec-12-two-readiness.yml',
      '3:5: target.readiness: readiness needs exactly one of http, tcp, healthcheck (got http, tcp)',
    ],
    ['spec-13-duplicate-service.yml', "4:11: services[1].name: duplicate service name 'db'"],
    [
      'spec-14-json-without-operator.yml',
      '8:13: checks[0].http.expect.json[0]: a JSON assertion needs exactly one of equals, notEquals, matches, exists',
    ],
    ['spec-15-mode-unquoted.yml', "5:13: checks[0].file.mode: expected an octal mode in quotes, such as '0644'"],
    ['spec-16-empty.yml', "1:1: (top level): missing required key 'checks'"],
  ])('%s: names the file, line, column and key', (name, expected) => {
    const message = problemOf(name);
    expect(message.startsWith(`${fixture(name)}:`)).toBe(true);
    expect(message).toContain(expected);
  });

  it('lists every problem, unknown keys first', () => {
    try {
      loadSpec(fixture('spec-11-top-level-typo.yml'));
      expect.unreachable();
    } catch (error: unknown) {
      expect((error as SpecError).problems).toEqual([
        { line: 3, column: 1, key: 'chekcs', message: "unknown key 'chekcs'" },
        {
          line: 1,
          column: 1,
          key: '',
          message: "missing required key 'checks' (expected array, received undefined)",
        },
      ]);
    }
  });

  it('says which file it cannot read', () => {
    expect(() => loadSpec(fixture('no-such-spec.yml'))).toThrow(
      /^platform-test spec: cannot read .*no-such-spec\.yml$/,
    );
  });
});
