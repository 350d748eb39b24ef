// The deterministic stand-in for ECR's basic scanning: a test sets the findings of a repository
// (for one digest, or `*` for every image); a scan starts at push (scanOnPush) or StartImageScan
// and reports IN_PROGRESS until `scanDelayMs` have passed, then COMPLETE with those findings.

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL' | 'UNDEFINED';
export const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED'];

export interface ScanFinding {
  name: string;
  severity: Severity;
  description?: string;
  uri?: string;
  attributes?: { key: string; value: string }[];
}

export class ScanFindingsStore {
  readonly #findings = new Map<string, ScanFinding[]>();

  /** Findings for `digest` in `repository`, or for every image of it with `*`. */
  set(repository: string, digest: string, findings: readonly ScanFinding[]): void {
    for (const f of findings) {
      if (!SEVERITIES.includes(f.severity)) {
        throw new Error(
          `scan finding ${f.name}: severity: got '${f.severity}'; expected one of ${SEVERITIES.join(', ')}`,
        );
      }
    }
    this.#findings.set(`${repository}@${digest}`, [...findings]);
  }

  /** Every entry (`<repository>@<digest or *>` -> findings), to save them. */
  entries(): [string, ScanFinding[]][] {
    return [...this.#findings.entries()].map(([key, findings]) => [key, [...findings]]);
  }

  /** Puts back entries saved by an earlier run. */
  importEntries(entries: readonly [string, readonly ScanFinding[]][]): void {
    for (const [key, findings] of entries) this.#findings.set(key, [...findings]);
  }

  get(repository: string, digest: string): ScanFinding[] {
    return this.#findings.get(`${repository}@${digest}`) ?? this.#findings.get(`${repository}@*`) ?? [];
  }
}

export function severityCounts(findings: readonly ScanFinding[]): Partial<Record<Severity, number>> {
  const counts: Partial<Record<Severity, number>> = {};
  for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  return counts;
}
