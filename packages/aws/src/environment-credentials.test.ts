import { describe, expect, it } from 'vitest';
import { environmentCredentials } from './environment-credentials.ts';

describe('environmentCredentials', () => {
  it('reads the ambient variables and masks every credential', async () => {
    const masked: string[] = [];
    const provider = environmentCredentials(
      { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 's3cr3t', AWS_SESSION_TOKEN: 'tok' },
      (s) => masked.push(s),
    );
    expect(await provider()).toEqual({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 's3cr3t', sessionToken: 'tok' });
    expect(masked).toEqual(['AKIAEXAMPLE', 's3cr3t', 'tok']);
  });

  it('works without a session token', async () => {
    const provider = environmentCredentials({ AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's' }, () => {});
    expect(await provider()).toEqual({ accessKeyId: 'AKIA', secretAccessKey: 's' });
  });

  it('says what to do when no credentials are set', async () => {
    await expect(environmentCredentials({ AWS_ACCESS_KEY_ID: 'AKIA' }, () => {})()).rejects.toThrow(
      /^No AWS credentials: give 'role-to-assume'/,
    );
  });
});
