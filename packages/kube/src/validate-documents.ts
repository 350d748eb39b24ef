// Step 1 of a promotion: every document is checked before anything is sent to the cluster. Its
// kind must be one this tool applies (with that kind's apiVersion) and its namespace, when it
// names one, must be the environment's. All problems are reported at once, each naming its document.
import { describeDocument, type ManifestDocument } from './manifests.ts';
import { apiVersionOf, MANIFEST_KINDS, supportedKinds } from './object-ref.ts';

/** Documents refused before any call to the cluster: nothing was changed. */
export class ManifestRefusedError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`manifests refused before any write, nothing was changed: ${problems.join('; ')}`);
    this.name = 'ManifestRefusedError';
    this.problems = problems;
  }
}

/** The problems of one document (empty when it may be applied to `namespace`). */
export function documentProblems(doc: ManifestDocument, namespace: string): string[] {
  const { manifest } = doc;
  const problems: string[] = [];
  const info = MANIFEST_KINDS[manifest.kind];
  if (!info || manifest.apiVersion !== apiVersionOf(info)) {
    problems.push(
      `${describeDocument(doc)} is ${manifest.apiVersion}/${manifest.kind}; supported kinds: ${supportedKinds()}`,
    );
  }
  const ns = manifest.metadata.namespace;
  if (ns !== undefined && ns !== namespace) {
    problems.push(
      `${describeDocument(doc)} names namespace '${String(ns)}', but the environment's namespace is '${namespace}'`,
    );
  }
  return problems;
}

export function validateDocuments(docs: readonly ManifestDocument[], namespace: string): void {
  const problems = docs.flatMap((doc) => documentProblems(doc, namespace));
  const seen = new Map<string, ManifestDocument>();
  for (const doc of docs) {
    const key = `${doc.manifest.kind}/${doc.manifest.metadata.name}`;
    const first = seen.get(key);
    if (first) problems.push(`${describeDocument(doc)} names the same object as ${describeDocument(first)}`);
    else seen.set(key, doc);
  }
  if (problems.length > 0) throw new ManifestRefusedError(problems);
}
