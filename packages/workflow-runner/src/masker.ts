// Secret masking as the runner does it: every registered value (and each line of a multi-line
// value) is replaced by `***` in everything printed or recorded.
export class Masker {
  private readonly values = new Set<string>();

  add(value: string): void {
    for (const part of [value, ...value.split(/[\r\n]/)]) {
      const trimmed = part.trim();
      if (trimmed !== '') this.values.add(trimmed);
    }
  }

  /** Whether `text` contains a registered value. */
  reveals(text: string): boolean {
    for (const v of this.values) if (text.includes(v)) return true;
    return false;
  }

  apply(text: string): string {
    let out = text;
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) out = out.split(v).join('***');
    return out;
  }
}
