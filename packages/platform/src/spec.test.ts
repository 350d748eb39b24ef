import { describe, expect, it } from 'vitest';
import { parseSpec, SpecError } from './spec.ts';

const valid = `
target:
  port: 8080
  readiness:
    http: /actuator/health
checks:
  - name: health
    http:
      path: /actuator/health
      expect:
        status: 200
        json:
          - path: $.status
            equals: UP
  - name: non-root
    metadata:
      user: { notRoot: true }
      exposedPorts: [8080]
`;

function errorOf(text: string): string {
  try {
    parseSpec(text, 'spec.yml');
  } catch (error: unknown) {
    if (error instanceof SpecError) return error.message;
    throw error;
  }
  throw new Error('expected a SpecError');
}

describe('parseSpec', () => {
  it('reads a valid spec with defaults', () => {
    const spec = parseSpec(valid, 'spec.yml');
    expect(spec.target).toEqual({ port: 8080, readiness: { http: '/actuator/health' } });
    expect(spec.checks).toHaveLength(2);
    expect(spec.checks[0]).toMatchObject({ name: 'health', http: { method: 'GET', path: '/actuator/health' } });
    expect(spec.services).toEqual([]);
  });

  it.each([
    [
      valid.replace('        status: 200', '        statuss: 200'),
      'spec.yml:11:9: checks[0].http.expect.statuss: unknown key',
    ],
    [valid.replace('  port: 8080', '  port: eighty'), 'spec.yml:3:9: target.port:'],
    [valid.replace('    metadata:', '    metadatta:'), 'spec.yml:15:5: checks[1]: a check needs'],
    [valid.replace('checks:', 'chekcs:'), "spec.yml:6:1: chekcs: unknown key 'chekcs'"],
    [
      `${valid}  - name: bad regex\n    command:\n      run: [id]\n      expect: { stdoutMatches: "(" }\n`,
      'checks[2].command.expect.stdoutMatches: expected a valid regular expression',
    ],
    ['checks: [\n', 'spec.yml:'],
  ])('names the file, line and key of a mistake (%#)', (text, expected) => {
    expect(errorOf(text)).toContain(expected);
  });
});
