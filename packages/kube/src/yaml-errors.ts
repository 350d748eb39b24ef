// YAML errors of kubeconfigs and manifests, said without the offending line: yaml's messages
// quote the source around the error, and that line can hold a token, a client key or a Secret's
// stringData. Only the file, line, column and the kind of error are reported.
import type { YAMLError } from 'yaml';

export class YamlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YamlSyntaxError';
  }
}

/** `<file>:<line>:<column>: invalid YAML (<code>)`, without yaml's excerpt of the source. */
export function yamlSyntaxError(file: string, error: YAMLError, what = 'invalid YAML'): YamlSyntaxError {
  const at = error.linePos?.[0];
  const position = at ? `${at.line}:${at.col}` : `offset ${error.pos[0]}`;
  return new YamlSyntaxError(
    `${file}:${position}: ${what} (${error.code}); the line is not shown, it may hold a secret`,
  );
}
