// The pipeline benchmark's cases and what each side starts from: the one-line change committed
// to the scratch copy of the example service, and the peer's own workloads (the same overlays in
// namespaces of its own, so each side rolls out from its own previous state).
export const CASES = ['warm-unchanged', 'one-line-change', 'cold-registry'] as const;
export type CaseName = (typeof CASES)[number];

export const ENVIRONMENTS = ['dev', 'test', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Targets of the issue, bakeline / peer at the median. */
export const TARGETS: Record<CaseName, number> = {
  'warm-unchanged': 1.0,
  'one-line-change': 1.0,
  'cold-registry': 0.6,
};

/** The file and the line the one-line change edits: a log message no test or platform check reads. */
export const CHANGED_FILE = 'src/main/java/com/optimagrowth/license/LicensingApplication.java';
const CHANGED_LINE = /Log\.info\("stopped(?: \(change \d+\))?"\);/;

/**
 * The source after change number `n`: the shutdown log line names the change, so every change
 * gives other bytecode, another JAR and a new digest, and no test sees it.
 */
export function oneLineChange(source: string, n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new Error(`one-line change: got number ${n}; expected an integer >= 1`);
  const matches = source.match(new RegExp(CHANGED_LINE.source, 'g')) ?? [];
  if (matches.length !== 1) {
    throw new Error(
      `one-line change: ${CHANGED_FILE} has ${matches.length} lines like 'Log.info("stopped")'; expected 1`,
    );
  }
  return source.replace(CHANGED_LINE, `Log.info("stopped (change ${n})");`);
}

/** The peer's namespace for an environment: the same cluster, its own Deployment. */
export function peerNamespace(environment: Environment): string {
  return `peer-${environment}`;
}

/**
 * A Kustomization that renders the service's overlay for `environment` into the peer's namespace
 * (with the Namespace itself), so the peer's Deployment is the one bakeline deploys, elsewhere.
 */
export function peerKustomization(overlayPath: string, environment: Environment): string {
  const namespace = peerNamespace(environment);
  return [
    '# written by bench/pipeline.ts: the overlay, in the peer side namespace',
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    `namespace: ${namespace}`,
    'resources:',
    '  - namespace.yaml',
    `  - ${JSON.stringify(overlayPath)}`,
    '',
  ].join('\n');
}

export function namespaceManifest(environment: Environment): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${peerNamespace(environment)}\n`;
}

/** The image the peer builds and pushes, tagged with the commit as hand-written chains do. */
export function peerImageRef(registryHost: string, repository: string, sha: string): string {
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new Error(`peer image: got commit '${sha}'; expected 40 hex digits`);
  return `${registryHost}/${repository}:${sha.slice(0, 12)}`;
}
