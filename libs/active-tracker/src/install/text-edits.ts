/** A replacement of `text.slice(pos, end)`; an insertion when `pos === end`. */
export interface TextEdit {
  pos: number;
  end: number;
  text: string;
}

/** Thrown for anything the installer will not do by itself; the message says what to do instead. */
export class InstallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InstallError';
  }
}

/**
 * Applies edits made against the same original text; everything outside them stays byte for byte.
 * Insertions at the same position keep their order.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits.map((edit, index) => ({ edit, index })).sort((a, b) => a.edit.pos - b.edit.pos || a.index - b.index);
  let out = '';
  let at = 0;
  for (const { edit } of sorted) {
    if (edit.pos < at || edit.end < edit.pos || edit.end > text.length) throw new Error(`overlapping or invalid edit at ${edit.pos}..${edit.end}`);
    out += text.slice(at, edit.pos) + edit.text;
    at = edit.end;
  }
  return out + text.slice(at);
}

/** Whitespace at the start of the line holding `pos`. */
export function lineIndent(text: string, pos: number): string {
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, pos))![0];
}

/** The file's line break: CRLF when it uses it, else LF. */
export function detectNewline(text: string): string {
  return /\r\n/.test(text) ? '\r\n' : '\n';
}

/** One level of indentation, from the first indented line (default two spaces). */
export function detectIndentUnit(text: string): string {
  for (const line of text.split(/\r?\n/)) {
    const lead = /^([ \t]+)\S/.exec(line)?.[1];
    if (!lead) continue;
    if (lead.startsWith('\t')) return '\t';
    // Block comments continue with one extra space (" * ..."): not an indentation step.
    if (/^\s+\*/.test(line)) continue;
    return lead.length >= 4 ? '    ' : lead.length === 3 ? '   ' : '  ';
  }
  return '  ';
}
