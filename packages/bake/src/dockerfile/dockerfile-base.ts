// Which image the final stage of a Dockerfile builds on (`FROM`, with `ARG` defaults and build
// arguments substituted), so the summary can tell base layers from new ones. Best effort: a
// stage name, `scratch` or an unresolvable variable gives undefined.

export function finalStageBase(dockerfile: string, buildArgs: Record<string, string>): string | undefined {
  const lines = dockerfile
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const globalArgs: Record<string, string> = {};
  const stages = new Set<string>();
  let base: string | undefined;
  let seenFrom = false;
  for (const line of lines) {
    const [instruction = '', ...rest] = line.split(/\s+/);
    const upper = instruction.toUpperCase();
    if (upper === 'ARG' && !seenFrom) {
      for (const word of rest) {
        const eq = word.indexOf('=');
        const name = eq < 0 ? word : word.slice(0, eq);
        const fallback = eq < 0 ? undefined : word.slice(eq + 1).replace(/^"(.*)"$/, '$1');
        const value = buildArgs[name] ?? fallback;
        if (value !== undefined) globalArgs[name] = value;
      }
    } else if (upper === 'FROM') {
      seenFrom = true;
      const words = rest.filter((w) => !w.startsWith('--'));
      let unresolved = false;
      const image = (words[0] ?? '').replace(
        /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
        (_m, a, b) => {
          const value = globalArgs[(a ?? b) as string];
          if (value === undefined) unresolved = true;
          return value ?? '';
        },
      );
      base = unresolved || image === '' || image === 'scratch' || stages.has(image) ? undefined : image;
      if (words[1]?.toUpperCase() === 'AS' && words[2]) stages.add(words[2]);
    }
  }
  return base;
}
