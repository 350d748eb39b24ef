import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { InputError, InputReader } from '@bakeline/toolkit';
import { describe, expect, it } from 'vitest';
import { readInputs } from './inputs.ts';

const layout = mkdtempSync(`${tmpdir()}/ecr-push-layout-`);
const base = {
  layout,
  digest: `sha256:${'a'.repeat(64)}`,
  repository: 'ostock/licensing-service',
  region: 'eu-west-1',
};
const read = (values: Record<string, string>) => readInputs(new InputReader((n) => values[n]), {});

function failure(values: Record<string, string>): InputError {
  try {
    read(values);
  } catch (error: unknown) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('ecr-push inputs', () => {
  it('reads the defaults', () => {
    expect(read({ ...base, tags: 'sha-0123abc, v1.2.3' })).toMatchObject({
      tags: ['sha-0123abc', 'v1.2.3'],
      createRepository: true,
      scan: 'none',
      failOnSeverity: 'none',
      concurrency: 4,
    });
  });

  it.each([
    [{ repository: 'Ostock/Licensing' }, 'repository', 'lowercase'],
    [{ tags: 'ok, bad:tag' }, 'tags', '"bad:tag"'],
    [{ tags: `t${'x'.repeat(128)}` }, 'tags', 'not a valid tag'],
    [{ digest: 'sha256:abc' }, 'digest', '64 lowercase hex'],
    [{ region: 'europe' }, 'region', 'AWS region'],
    [{ scan: 'later' }, 'scan', 'none | wait'],
    [{ 'fail-on-severity': 'SEVERE' }, 'fail-on-severity', 'CRITICAL'],
    [{ concurrency: '64' }, 'concurrency', '1..16'],
    [{ 'role-to-assume': 'push' }, 'role-to-assume', 'arn:aws:iam'],
    [{ registry: 'my-registry' }, 'registry', '12-digit'],
    [{ 'ecr-endpoint': 'localhost:4566' }, 'ecr-endpoint', 'http(s)://'],
    [{ layout: '' }, 'layout', 'exactly one of layout or archive'],
  ])('refuses %j naming the input', (override, input, expected) => {
    const error = failure({ ...base, ...override });
    expect(error.input).toBe(input);
    expect(error.message).toContain(expected);
  });
});
