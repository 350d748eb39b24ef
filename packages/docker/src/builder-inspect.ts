// `docker buildx inspect [name]`: the builder's name, its driver and its nodes, from the text that
// docker/buildx commands/inspect.go prints (`Name:\t...`, `Driver:\t...`, then `Nodes:` with a
// `Name:`/`Endpoint:`/`Status:`/`BuildKit version:` block per node), read the way
// docker/actions-toolkit's Builder.parseInspect reads it: the first `Name:` is the builder's,
// later ones start nodes.

export interface BuilderNode {
  name: string;
  endpoint?: string;
  status?: string;
  buildkit?: string;
}

export interface BuilderInfo {
  name: string;
  /** `docker`, `docker-container`, `kubernetes`, `remote`. */
  driver: string;
  nodes: BuilderNode[];
}

export function parseBuilderInspect(stdout: string): BuilderInfo {
  let name: string | undefined;
  let driver: string | undefined;
  const nodes: BuilderNode[] = [];
  let node: BuilderNode | undefined;
  for (const line of stdout.split('\n')) {
    // keys of nested blocks (features, labels, GC policy) are indented with a tab
    if (line.startsWith('\t') || line.startsWith(' ')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'name') {
      if (name === undefined) name = value;
      else {
        node = { name: value };
        nodes.push(node);
      }
    } else if (key === 'driver') driver = value;
    else if (node && key === 'endpoint') node.endpoint = value;
    else if (node && key === 'status') node.status = value;
    else if (node && (key === 'buildkit version' || key === 'buildkit')) node.buildkit = value;
  }
  if (name === undefined || driver === undefined || driver === '') {
    throw new Error(`docker buildx inspect: expected "Name:" and "Driver:" lines, got: ${stdout.trim().slice(0, 200)}`);
  }
  return { name, driver, nodes };
}
