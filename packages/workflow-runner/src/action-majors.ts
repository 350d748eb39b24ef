// The majors of third-party actions that run on Node 24. GitHub runs JavaScript actions on the
// Node version their action.yml declares (`runs.using`); the node20 majors are deprecated and
// forced onto Node 24, and Node 20 is removed from the runners. Checked against each action's
// releases: checkout v5, setup-node v5, setup-java v5, upload-artifact v6 (v5 still ran on
// node20 by default), download-artifact v7 (v6 likewise), create-github-app-token v3,
// configure-aws-credentials v5, amazon-ecr-login v2.
export interface ActionMajor {
  /** The first major whose action.yml says `using: node24`. */
  firstNode24: number;
  /** The major bakeline's workflows use. */
  current: number;
}

export const NODE24_MAJORS: Readonly<Record<string, ActionMajor>> = {
  'actions/checkout': { firstNode24: 5, current: 7 },
  'actions/setup-node': { firstNode24: 5, current: 7 },
  'actions/setup-java': { firstNode24: 5, current: 6 },
  'actions/upload-artifact': { firstNode24: 6, current: 7 },
  'actions/download-artifact': { firstNode24: 7, current: 8 },
  'actions/create-github-app-token': { firstNode24: 3, current: 3 },
  'aws-actions/configure-aws-credentials': { firstNode24: 5, current: 5 },
  'aws-actions/amazon-ecr-login': { firstNode24: 2, current: 2 },
};

/**
 * Refuses a tag below the first node24 major of a known action. A full commit SHA is accepted
 * (its major cannot be read from the reference; pin it with a `# vN` comment).
 */
export function checkNode24Major(path: string, ref: string): void {
  const known = NODE24_MAJORS[path];
  if (known === undefined || /^[0-9a-f]{40}$/.test(ref)) return;
  const major = /^v(\d+)(\.\d+){0,2}$/.exec(ref);
  if (major === null) {
    throw new Error(
      `uses: ${path}@${ref}: expected a version tag (v${known.current}) or a full commit SHA; a branch name is not pinned`,
    );
  }
  if (Number(major[1]) < known.firstNode24) {
    throw new Error(
      `uses: ${path}@${ref} runs on node20, which GitHub no longer runs: use ${path}@v${known.current} (node24 from v${known.firstNode24})`,
    );
  }
}
