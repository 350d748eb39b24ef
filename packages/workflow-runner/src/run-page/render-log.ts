// A step's log as HTML, shown as GitHub's log viewer shows it: `::group::` blocks are folded
// <details> with their line count, annotations stand out with file and line, `::debug::` lines
// are kept but hidden until "debug lines" is ticked, and other commands are not shown.
import { escapeHtml } from '@bakeline/toolkit';
import { annotationWhere, LogLineClassifier } from '../log-line-kind.ts';

export interface RenderedLog {
  html: string;
  annotations: { level: string; where: string; message: string }[];
}

export function renderLog(lines: readonly string[]): RenderedLog {
  const classifier = new LogLineClassifier();
  const out: string[] = [];
  const annotations: RenderedLog['annotations'] = [];
  let group: { title: string; body: string[] } | undefined;
  const emit = (html: string) => (group ? group.body.push(html) : out.push(html));
  const closeGroup = () => {
    if (!group) return;
    const count = group.body.filter((l) => !l.startsWith('<div class="debug"')).length;
    out.push(
      `<details class="group"><summary>${escapeHtml(group.title)} <span class="count">(${count} line${count === 1 ? '' : 's'})</span></summary>${group.body.join('')}</details>`,
    );
    group = undefined;
  };
  for (const raw of lines) {
    const line = classifier.classify(raw);
    switch (line.kind) {
      case 'text':
        emit(`<div class="line">${escapeHtml(line.text) || '&#8203;'}</div>`);
        break;
      case 'debug':
        emit(`<div class="debug">${escapeHtml(line.text)}</div>`);
        break;
      case 'group':
        closeGroup();
        group = { title: line.title, body: [] };
        break;
      case 'endgroup':
        closeGroup();
        break;
      case 'annotation': {
        closeGroup();
        const where = annotationWhere(line.command);
        const title = line.command.properties.title;
        const message = `${title ? `${title}: ` : ''}${line.command.data}`;
        annotations.push({ level: line.level, where, message });
        out.push(
          `<div class="annotation ${line.level}"><b>${line.level}</b>${where ? ` <code>${escapeHtml(where)}</code>` : ''} ${escapeHtml(message)}</div>`,
        );
        break;
      }
      case 'hidden':
        break;
    }
  }
  closeGroup();
  return { html: out.join(''), annotations };
}
