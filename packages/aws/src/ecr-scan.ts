// The scan gate: waits (bounded) for ECR's scan of an image, reads the finding counts by severity
// and lists the findings at or above a threshold. Works with basic scanning (`findings`) and
// enhanced scanning (`enhancedFindings`, status ACTIVE).
import {
  DescribeImageScanFindingsCommand,
  type DescribeImageScanFindingsCommandOutput,
  type ECRClient,
  StartImageScanCommand,
} from '@aws-sdk/client-ecr';
import { type Logger, silentLogger } from '@bakeline/toolkit';
import { awsErrorCode } from './aws-error.ts';
import { explainEcrError } from './ecr-errors.ts';

/** ECR's severities, lowest first (UNDEFINED and UNTRIAGED have no rank and never gate). */
export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type SeverityCounts = Record<string, number>;

export interface ScanFinding {
  name: string;
  severity: string;
  package?: string;
  version?: string;
  uri?: string;
}

export interface ScanReport {
  status: string;
  /** Finding counts by severity, as ECR reports them. */
  counts: SeverityCounts;
  /** Findings at or above the threshold (at most `listLimit`), most severe first. */
  findings: ScanFinding[];
  /** Whether more findings at or above the threshold exist than are listed. */
  truncated: boolean;
}

export interface WaitForScanOptions {
  repository: string;
  digest: string;
  registryId?: string;
  timeoutMs: number;
  /** List findings at or above this severity (default LOW). */
  listFrom?: Severity;
  listLimit?: number;
  /** Start a scan when the repository does not scan on push (basic scanning, once a day per image). */
  start?: boolean;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  logger?: Logger;
}

const DONE = new Set(['COMPLETE', 'ACTIVE']);
const FAILED = new Set(['FAILED', 'UNSUPPORTED_IMAGE', 'FINDINGS_UNAVAILABLE', 'SCAN_ELIGIBILITY_EXPIRED']);
const MAX_PAGES = 10;

export function severityRank(severity: string): number {
  return SEVERITIES.indexOf(severity as Severity);
}

/** The counts at or above the threshold (non-zero ones only). */
export function findingsAtOrAbove(counts: SeverityCounts, threshold: Severity): SeverityCounts {
  const from = severityRank(threshold);
  const result: SeverityCounts = {};
  for (const s of SEVERITIES.slice(from)) if ((counts[s] ?? 0) > 0) result[s] = counts[s] ?? 0;
  return result;
}

function findingsOf(out: DescribeImageScanFindingsCommandOutput): ScanFinding[] {
  const basic = (out.imageScanFindings?.findings ?? []).map((f) => {
    const attribute = (key: string) => f.attributes?.find((a) => a.key === key)?.value;
    const finding: ScanFinding = { name: f.name ?? '?', severity: f.severity ?? 'UNDEFINED' };
    const pkg = attribute('package_name');
    const version = attribute('package_version');
    if (pkg) finding.package = pkg;
    if (version) finding.version = version;
    if (f.uri) finding.uri = f.uri;
    return finding;
  });
  const enhanced = (out.imageScanFindings?.enhancedFindings ?? []).map((f) => {
    const vulnerable = f.packageVulnerabilityDetails;
    const pkg = vulnerable?.vulnerablePackages?.[0];
    const finding: ScanFinding = {
      name: vulnerable?.vulnerabilityId ?? f.title ?? '?',
      severity: f.severity ?? 'UNDEFINED',
    };
    if (pkg?.name) finding.package = pkg.name;
    if (pkg?.version) finding.version = pkg.version;
    if (vulnerable?.sourceUrl) finding.uri = vulnerable.sourceUrl;
    return finding;
  });
  return [...basic, ...enhanced];
}

async function startScan(client: ECRClient, options: WaitForScanOptions, logger: Logger): Promise<void> {
  await client
    .send(
      new StartImageScanCommand({
        ...(options.registryId ? { registryId: options.registryId } : {}),
        repositoryName: options.repository,
        imageId: { imageDigest: options.digest },
      }),
    )
    .catch((error: unknown) => {
      // LimitExceeded: basic scanning allows one scan per image a day; the last one is read instead
      if (awsErrorCode(error) !== 'LimitExceededException')
        throw explainEcrError(
          error,
          `Could not start a scan of ${options.repository}@${options.digest}`,
          'ecr:StartImageScan',
        );
    });
  logger.info(`started a scan of ${options.repository}@${options.digest}`);
}

/** Waits for the scan to complete (polling with growing pauses up to `timeoutMs`) and reports it. */
export async function waitForScan(client: ECRClient, options: WaitForScanOptions): Promise<ScanReport> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const deadline = now() + options.timeoutMs;
  const scope = {
    ...(options.registryId ? { registryId: options.registryId } : {}),
    repositoryName: options.repository,
    imageId: { imageDigest: options.digest },
  };
  const what = `the scan of ${options.repository}@${options.digest}`;
  if (options.start) await startScan(client, options, logger);
  let first: DescribeImageScanFindingsCommandOutput | undefined;
  let lastStatus = 'not started';
  for (let attempt = 0; attempt < 1000; attempt++) {
    try {
      const out = await client.send(new DescribeImageScanFindingsCommand({ ...scope, maxResults: 1000 }));
      lastStatus = out.imageScanStatus?.status ?? 'unknown';
      if (DONE.has(lastStatus)) {
        first = out;
        break;
      }
      if (FAILED.has(lastStatus)) {
        throw new Error(`${what} ended with ${lastStatus}: ${out.imageScanStatus?.description ?? 'no description'}`);
      }
    } catch (error: unknown) {
      if (error instanceof Error && error.message.startsWith(what)) throw error;
      if (awsErrorCode(error) !== 'ScanNotFoundException')
        throw explainEcrError(error, `Could not read ${what}`, 'ecr:DescribeImageScanFindings');
    }
    const remaining = deadline - now();
    if (remaining <= 0) {
      throw new Error(
        `${what} did not complete within ${Math.round(options.timeoutMs / 1000)} s (last status: ${lastStatus}); raise 'scan-timeout' or use 'scan: none'`,
      );
    }
    const pause = Math.min(1000 * 2 ** Math.min(attempt, 4), 15_000, remaining);
    logger.info(`${what}: ${lastStatus}; asking again in ${(pause / 1000).toFixed(1)} s`);
    await sleep(pause);
  }
  if (!first) throw new Error(`${what}: no answer`);

  const counts: SeverityCounts = {};
  for (const [severity, n] of Object.entries(first.imageScanFindings?.findingSeverityCounts ?? {})) {
    if (typeof n === 'number' && n > 0) counts[severity] = n;
  }
  // the findings at or above the listing threshold, from at most MAX_PAGES pages
  const from = severityRank(options.listFrom ?? 'LOW');
  const limit = options.listLimit ?? 50;
  const listed: ScanFinding[] = [];
  let page: DescribeImageScanFindingsCommandOutput = first;
  for (let n = 1; ; n++) {
    listed.push(...findingsOf(page).filter((f) => severityRank(f.severity) >= from));
    if (!page.nextToken || n >= MAX_PAGES) break;
    page = await client
      .send(new DescribeImageScanFindingsCommand({ ...scope, maxResults: 1000, nextToken: page.nextToken }))
      .catch((error: unknown) => {
        throw explainEcrError(error, `Could not read ${what}`, 'ecr:DescribeImageScanFindings');
      });
  }
  listed.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.name.localeCompare(b.name));
  const expected = Object.entries(counts)
    .filter(([s]) => severityRank(s) >= from)
    .reduce((sum, [, n]) => sum + n, 0);
  return {
    status: lastStatus,
    counts,
    findings: listed.slice(0, limit),
    truncated: listed.length > limit || expected > listed.length,
  };
}
