import { afterEach, describe, expect, it } from 'vitest';
import {
  type AwsAnswer,
  type AwsTestServer,
  ecrAnswer,
  ecrError,
  startAwsTestServer,
} from '../test/aws-test-server.ts';
import { createEcrClient } from './ecr-client.ts';
import { findingsAtOrAbove, waitForScan } from './ecr-scan.ts';

const credentials = async () => ({ accessKeyId: 'AKIA', secretAccessKey: 'secret' });
const DIGEST = `sha256:${'a'.repeat(64)}`;
let server: AwsTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const status = (s: string, findings: object = {}) =>
  ecrAnswer({ imageScanStatus: { status: s, description: `${s} description` }, imageScanFindings: findings });
const finding = (name: string, severity: string, pkg = 'openssl') => ({
  name,
  severity,
  uri: `https://security-tracker.debian.org/tracker/${name}`,
  attributes: [
    { key: 'package_name', value: pkg },
    { key: 'package_version', value: '3.0.11' },
  ],
});

async function scan(answers: AwsAnswer[], options: { timeoutMs?: number; listFrom?: 'HIGH'; start?: boolean } = {}) {
  server = await startAwsTestServer((_c, i) => answers[Math.min(i, answers.length - 1)] as AwsAnswer);
  let now = 0;
  const sleeps: number[] = [];
  const report = waitForScan(
    createEcrClient({ region: 'eu-west-1', credentials, endpoint: server.endpoint, maxAttempts: 1 }),
    {
      repository: 'svc',
      digest: DIGEST,
      timeoutMs: options.timeoutMs ?? 60_000,
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
      ...(options.listFrom ? { listFrom: options.listFrom } : {}),
      ...(options.start ? { start: true } : {}),
    },
  );
  return { report, sleeps, calls: server.calls };
}

describe('waitForScan', () => {
  it('polls through ScanNotFound and IN_PROGRESS until COMPLETE, then lists findings most severe first', async () => {
    const { report, sleeps, calls } = await scan([
      ecrError('ScanNotFoundException', 'no scan yet'),
      status('IN_PROGRESS'),
      status('COMPLETE', {
        findingSeverityCounts: { HIGH: 1, LOW: 2, CRITICAL: 1 },
        findings: [
          finding('CVE-2', 'LOW'),
          finding('CVE-1', 'CRITICAL'),
          finding('CVE-3', 'HIGH'),
          finding('CVE-4', 'LOW'),
        ],
      }),
    ]);
    const got = await report;
    expect(got.counts).toEqual({ HIGH: 1, LOW: 2, CRITICAL: 1 });
    expect(got.findings.map((f) => `${f.severity} ${f.name}`)).toEqual([
      'CRITICAL CVE-1',
      'HIGH CVE-3',
      'LOW CVE-2',
      'LOW CVE-4',
    ]);
    expect(got.findings[0]).toEqual({
      name: 'CVE-1',
      severity: 'CRITICAL',
      package: 'openssl',
      version: '3.0.11',
      uri: 'https://security-tracker.debian.org/tracker/CVE-1',
    });
    expect(sleeps).toEqual([1000, 2000]);
    expect(calls[0]).toMatchObject({
      operation: 'DescribeImageScanFindings',
      params: { repositoryName: 'svc', imageId: { imageDigest: DIGEST } },
    });
  });

  it('lists only findings at or above the threshold, following pages', async () => {
    const { report, calls } = await scan(
      [
        ecrAnswer({
          imageScanStatus: { status: 'COMPLETE' },
          imageScanFindings: {
            findingSeverityCounts: { HIGH: 2, LOW: 1 },
            findings: [finding('CVE-1', 'HIGH'), finding('CVE-2', 'LOW')],
          },
          nextToken: 'page-2',
        }),
        ecrAnswer({
          imageScanStatus: { status: 'COMPLETE' },
          imageScanFindings: { findings: [finding('CVE-3', 'HIGH')] },
        }),
      ],
      { listFrom: 'HIGH' },
    );
    const got = await report;
    expect(got.findings.map((f) => f.name)).toEqual(['CVE-1', 'CVE-3']);
    expect(got.truncated).toBe(false);
    expect(calls[1]?.params).toMatchObject({ nextToken: 'page-2' });
  });

  it('stops at the timeout, naming the last status and what to change', async () => {
    const { report, sleeps } = await scan([status('IN_PROGRESS')], { timeoutMs: 10_000 });
    await expect(report).rejects.toThrow(
      `the scan of svc@${DIGEST} did not complete within 10 s (last status: IN_PROGRESS); raise 'scan-timeout'`,
    );
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(10_000);
  });

  it.each(['FAILED', 'UNSUPPORTED_IMAGE'])('fails when the scan ends %s', async (s) => {
    const { report } = await scan([status(s)]);
    await expect(report).rejects.toThrow(`the scan of svc@${DIGEST} ended with ${s}: ${s} description`);
  });

  it('starts a scan when asked (a repository without scan on push)', async () => {
    const { report, calls } = await scan([ecrAnswer({}), status('COMPLETE', { findingSeverityCounts: {} })], {
      start: true,
    });
    expect((await report).counts).toEqual({});
    expect(calls.map((c) => c.operation)).toEqual(['StartImageScan', 'DescribeImageScanFindings']);
  });

  it('names the missing permission when the findings cannot be read', async () => {
    const { report } = await scan([ecrError('AccessDeniedException', 'denied')]);
    await expect(report).rejects.toThrow(/the role lacks ecr:DescribeImageScanFindings/);
  });
});

describe('findingsAtOrAbove', () => {
  it.each([
    [{ LOW: 3, HIGH: 1, CRITICAL: 0 }, 'HIGH', { HIGH: 1 }],
    [{ LOW: 3 }, 'MEDIUM', {}],
    [{ MEDIUM: 2, CRITICAL: 1, UNDEFINED: 4 }, 'LOW', { MEDIUM: 2, CRITICAL: 1 }],
    [{ INFORMATIONAL: 1, CRITICAL: 2 }, 'CRITICAL', { CRITICAL: 2 }],
  ] as const)('%j at or above %s is %j', (counts, threshold, expected) => {
    expect(findingsAtOrAbove(counts, threshold)).toEqual(expected);
  });
});
