import { createHash } from 'node:crypto';

/**
 * SQL dialect rules that change how text is read: MySQL reads `"..."` as a string and `\` as an
 * escape in every string; PostgreSQL reads `"..."` as an identifier and `\` only in `E'...'`.
 */
export type SqlDialect = 'postgres' | 'mysql';

/** A token of SQL text. `start`/`end` are offsets in the source (end exclusive). */
export interface SqlToken {
  kind: 'space' | 'comment' | 'string' | 'number' | 'param' | 'identifier' | 'word' | 'op';
  start: number;
  end: number;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[\w$\u0080-\uffff]/;
const DIGIT = /[0-9]/;
const SPACE = /\s/;
const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/;
const NUMBER = /^(?:0[xX][0-9A-Fa-f]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/;

/**
 * Splits SQL into tokens in one pass: comments (`--`, nested `/* *\/`), strings (`'...'` with `''`
 * and, where the dialect says so, backslash escapes; `E'...'`, `N'...'`, `X'...'`, `B'...'`
 * prefixes; PostgreSQL dollar-quoted `$tag$...$tag$`), quoted identifiers (`"..."`, `` `...` ``),
 * numbers, placeholders (`$1`, `?`), words and operators. Never throws: an unterminated string or
 * comment runs to the end of the text.
 */
export function tokenizeSql(sql: string, dialect: SqlDialect = 'postgres'): SqlToken[] {
  const tokens: SqlToken[] = [];
  const n = sql.length;
  let i = 0;
  const push = (kind: SqlToken['kind'], start: number, end: number) => tokens.push({ kind, start, end });
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    const start = i;
    if (SPACE.test(c)) {
      while (i < n && SPACE.test(sql[i])) i++;
      push('space', start, i);
    } else if (c === '-' && next === '-') {
      while (i < n && sql[i] !== '\n') i++;
      push('comment', start, i);
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else i++;
      }
      push('comment', start, i);
    } else if (c === "'") {
      i = endOfQuoted(sql, i, "'", dialect === 'mysql');
      push('string', start, i);
    } else if ((c === 'E' || c === 'e') && next === "'") {
      i = endOfQuoted(sql, i + 1, "'", true);
      push('string', start, i);
    } else if (/[NnXxBb]/.test(c) && next === "'" && !isWordBefore(sql, i)) {
      i = endOfQuoted(sql, i + 1, "'", dialect === 'mysql');
      push('string', start, i);
    } else if (c === '"') {
      i = endOfQuoted(sql, i, '"', dialect === 'mysql');
      push(dialect === 'mysql' ? 'string' : 'identifier', start, i);
    } else if (c === '`') {
      i = endOfQuoted(sql, i, '`', false);
      push('identifier', start, i);
    } else if (c === '$' && next !== undefined && DIGIT.test(next)) {
      i += 1;
      while (i < n && DIGIT.test(sql[i])) i++;
      push('param', start, i);
    } else if (c === '$' && !isWordBefore(sql, i) && DOLLAR_TAG.test(sql.slice(i, i + 64))) {
      const tag = DOLLAR_TAG.exec(sql.slice(i, i + 64))![0];
      const close = sql.indexOf(tag, i + tag.length);
      i = close < 0 ? n : close + tag.length;
      push('string', start, i);
    } else if (c === '?') {
      i++;
      push('param', start, i);
    } else if ((DIGIT.test(c) || (c === '.' && next !== undefined && DIGIT.test(next))) && !isWordBefore(sql, i)) {
      const m = NUMBER.exec(sql.slice(i, i + 64));
      i += m ? m[0].length : 1;
      push('number', start, i);
    } else if (WORD_START.test(c)) {
      i++;
      while (i < n && WORD_PART.test(sql[i])) i++;
      push('word', start, i);
    } else {
      i++;
      push('op', start, i);
    }
  }
  return tokens;
}

/** Index just past a quoted run opened at `open` (a doubled quote is an escaped one). */
function endOfQuoted(sql: string, open: number, quote: string, backslash: boolean): number {
  let i = open + 1;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (backslash && c === '\\') {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return n;
}

function isWordBefore(sql: string, i: number): boolean {
  return i > 0 && WORD_PART.test(sql[i - 1]);
}

/** Values folded to `?`. */
const VALUE_KINDS = new Set<SqlToken['kind']>(['string', 'number', 'param']);

/**
 * The family of a statement: literals, numbers and placeholders (`$1`, `?`) become `?`, a minus
 * sign before a number folds into it, IN lists and `ARRAY[...]` of values become one `?`, repeated
 * VALUES tuples one tuple, comments are dropped, whitespace collapses to one space (none inside
 * parentheses or before commas, one after a comma), trailing semicolons go. Identifiers, keywords
 * and their case are kept.
 */
export function normalizeSql(sql: string, dialect: SqlDialect = 'postgres'): string {
  return normalizeTokens(sql, tokenizeSql(sql, dialect));
}

/** normalizeSql over tokens already made by tokenizeSql. */
export function normalizeTokens(sql: string, tokens: readonly SqlToken[]): string {
  let out = '';
  let space = false;
  /** The last significant token emitted: decides whether a minus sign is unary. */
  let previous: SqlToken | null = null;
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t];
    if (token.kind === 'space' || token.kind === 'comment') {
      space = true;
      continue;
    }
    let text: string;
    if (VALUE_KINDS.has(token.kind)) text = '?';
    else text = sql.slice(token.start, token.end);
    // A unary minus before a number: "= -5" and "(-5" are one value.
    if (text === '-' && isUnaryPosition(sql, previous)) {
      let k = t + 1;
      while (k < tokens.length && (tokens[k].kind === 'space' || tokens[k].kind === 'comment')) k++;
      if (k < tokens.length && tokens[k].kind === 'number') {
        t = k;
        text = '?';
      }
    }
    const last = out[out.length - 1];
    if (text === ',' || text === ')' || text === ']') {
      // never a space before these
    } else if (last === ',') out += ' ';
    else if (space && out.length > 0 && last !== '(' && last !== '[') out += ' ';
    out += text;
    space = false;
    previous = tokens[t];
  }
  out = out.replace(/(?:\s*;)+$/, '');
  return foldLists(out);
}

function isUnaryPosition(sql: string, previous: SqlToken | null): boolean {
  if (previous === null) return true;
  if (previous.kind !== 'op') return false;
  const p = sql.slice(previous.start, previous.end);
  return p !== ')' && p !== ']';
}

const IN_LIST = /\b(IN)\s*\(\?(?:, \?)*\)/gi;
const ARRAY_LIST = /\b(ARRAY)\[\?(?:, \?)*\]/gi;
const REPEATED_TUPLES = /(\(\?(?:, \?)*\))(?:, \1)+/g;

function foldLists(normalized: string): string {
  if (normalized.indexOf('?') < 0) return normalized;
  return normalized.replace(IN_LIST, '$1 (?)').replace(ARRAY_LIST, '$1[?]').replace(REPEATED_TUPLES, '$1');
}

/** The family hash of a normalized statement (16 hex characters, like the other families). */
export function sqlFamilyHash(normalized: string): string {
  return createHash('sha1').update(normalized).digest('hex').slice(0, 16);
}
