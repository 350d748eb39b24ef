import * as core from '@actions/core';

export interface AnnotationSpec {
  level: 'error' | 'warning' | 'notice';
  message: string;
  /** Path relative to the repository root (GITHUB_WORKSPACE), as the runner expects. */
  file?: string;
  line?: number;
  endLine?: number;
  column?: number;
  title?: string;
}

/** Writes a `::error file=…,line=…::message` (or warning/notice) workflow command. */
export function annotate(spec: AnnotationSpec): void {
  const properties: core.AnnotationProperties = {};
  if (spec.title !== undefined) properties.title = spec.title;
  if (spec.file !== undefined) properties.file = spec.file;
  if (spec.line !== undefined) properties.startLine = spec.line;
  if (spec.endLine !== undefined) properties.endLine = spec.endLine;
  if (spec.column !== undefined) properties.startColumn = spec.column;
  if (spec.level === 'error') core.error(spec.message, properties);
  else if (spec.level === 'warning') core.warning(spec.message, properties);
  else core.notice(spec.message, properties);
}
