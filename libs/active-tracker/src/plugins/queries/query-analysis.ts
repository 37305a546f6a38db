import { REDACTED } from '../../plugin-api.js';
import { normalizeTokens, sqlFamilyHash, tokenizeSql, type SqlDialect, type SqlToken } from './query-normalizer.js';

/**
 * The values of a statement bound to a sensitive column (`password = $1`, `SET token = 'abc'`,
 * `INSERT INTO users (email, password) VALUES (?, ?)`): parameters by index, literals by range.
 * Request bodies are redacted by key; positional SQL values have no key, so their column is the key.
 */
export interface SensitiveValues {
  /** 0-based indexes into the parameter array (`$2` is 1; `?` counts in order of appearance). */
  params: number[];
  /** Source ranges [start, end) of literals written into the SQL text. */
  literals: Array<[number, number]>;
}

/** What the plugin keeps per distinct SQL text. */
export interface SqlAnalysis {
  normalized: string;
  familyHash: string;
  /** null when no value is bound to a sensitive column. */
  sensitive: SensitiveValues | null;
}

const COMPARISON = new Set(['=', '<', '>', '!']);
const MATCH_WORDS = new Set(['like', 'ilike']);
const QUANTIFIERS = new Set(['any', 'all', 'some']);

/** Identifier text without its quotes (`"Password"` → `Password`). */
function identifierName(sql: string, token: SqlToken): string {
  const text = sql.slice(token.start, token.end);
  return token.kind === 'identifier' ? text.slice(1, -1) : text;
}

/**
 * Finds the values bound to a column whose name `isSensitive` accepts: after a comparison or
 * (I)LIKE (`col = ?`, `col <> 'x'`, also `SET col = ?`), in `col IN (...)`, and in the VALUES
 * tuples of an `INSERT INTO t (cols...)`.
 */
export function findSensitiveValues(sql: string, tokens: readonly SqlToken[], isSensitive: (key: string) => boolean): SensitiveValues | null {
  const params: number[] = [];
  const literals: Array<[number, number]> = [];
  let positional = 0;
  /** The last identifier seen, when it is the previous significant token. */
  let lastName: string | null = null;
  /** The column the next value binds to (after a comparison). */
  let column: string | null = null;
  /** `col IN (`: the column of every value until the list closes, and its depth. */
  let listColumn: string | null = null;
  let listDepth = -1;
  let depth = 0;
  // INSERT INTO t (a, b) VALUES (?, ?), (?, ?)
  let sawInsert = false;
  let insertColumns: string[] | null = null;
  let collectingColumns = false;
  let inValues = false;
  let tupleIndex = 0;
  let pendingIn: string | null = null;

  for (const token of tokens) {
    if (token.kind === 'space' || token.kind === 'comment') continue;
    const text = sql.slice(token.start, token.end);
    if (token.kind === 'string' || token.kind === 'number' || token.kind === 'param') {
      let bound = column ?? (listColumn !== null && depth === listDepth ? listColumn : null);
      if (bound === null && inValues && insertColumns && depth === 1) bound = insertColumns[tupleIndex] ?? null;
      const index = token.kind === 'param' ? (text === '?' ? positional++ : Number(text.slice(1)) - 1) : -1;
      if (bound !== null && isSensitive(bound)) {
        if (token.kind === 'param') params.push(index);
        else literals.push([token.start, token.end]);
      }
      column = null;
      lastName = null;
      continue;
    }
    if (token.kind === 'word' || token.kind === 'identifier') {
      const lower = token.kind === 'word' ? text.toLowerCase() : '';
      if (lower === 'insert') sawInsert = true;
      else if (lower === 'values' && insertColumns) inValues = true;
      else if (lower === 'select' && depth === 0) inValues = false;
      if (lower === 'not' && lastName !== null) continue; // `col NOT IN`, `col NOT LIKE`
      if (lower === 'in' && lastName !== null) {
        pendingIn = lastName;
        lastName = null;
        continue;
      }
      // `col = ANY($1)`, `col <> ALL (...)`: the list's values bind to the column.
      if (QUANTIFIERS.has(lower) && column !== null) {
        pendingIn = column;
        column = null;
        continue;
      }
      if (MATCH_WORDS.has(lower) && lastName !== null) {
        column = lastName;
        lastName = null;
        continue;
      }
      if (collectingColumns && depth === 1) insertColumns!.push(identifierName(sql, token));
      lastName = identifierName(sql, token);
      column = null;
      continue;
    }
    // Operators and punctuation.
    if (text === '(') {
      depth++;
      if (pendingIn !== null) {
        listColumn = pendingIn;
        listDepth = depth;
      } else if (sawInsert && insertColumns === null && depth === 1) {
        insertColumns = [];
        collectingColumns = true;
      } else if (inValues && depth === 1) tupleIndex = 0;
      pendingIn = null;
    } else if (text === ')') {
      if (depth === listDepth) {
        listColumn = null;
        listDepth = -1;
      }
      if (collectingColumns && depth === 1) collectingColumns = false;
      depth = Math.max(0, depth - 1);
    } else if (text === ',') {
      if (inValues && depth === 1) tupleIndex++;
    } else if (COMPARISON.has(text)) {
      if (lastName !== null) column = lastName;
      lastName = null;
      continue;
    }
    // `t.col`: the column is the word after the dot, which sets lastName again.
    lastName = null;
    column = null;
  }
  return params.length === 0 && literals.length === 0 ? null : { params, literals };
}

/**
 * Reads a statement once: its family and the values to redact. Results are cached per SQL text
 * (ORMs send the same text again and again), in a bounded map.
 */
export class SqlAnalyzer {
  /** One map per dialect: the SQL text itself is the key (no key string built per query). */
  private readonly caches: Record<SqlDialect, Map<string, SqlAnalysis>> = { postgres: new Map(), mysql: new Map() };

  constructor(
    private readonly isSensitive: (key: string) => boolean,
    private readonly maxCached = 2000,
  ) {}

  analyze(sql: string, dialect: SqlDialect): SqlAnalysis {
    const cache = this.caches[dialect];
    let analysis = cache.get(sql);
    if (analysis !== undefined) return analysis;
    const tokens = tokenizeSql(sql, dialect);
    const normalized = normalizeTokens(sql, tokens);
    analysis = { normalized, familyHash: sqlFamilyHash(normalized), sensitive: findSensitiveValues(sql, tokens, this.isSensitive) };
    // Long texts with literals written in are rarely seen twice: not worth a slot.
    if (sql.length <= 8192) {
      if (cache.size >= this.maxCached) cache.clear();
      cache.set(sql, analysis);
    }
    return analysis;
  }
}

/** The SQL text with the given literal ranges replaced by `'[REDACTED]'`. */
export function redactSqlLiterals(sql: string, literals: ReadonlyArray<readonly [number, number]>): string {
  if (literals.length === 0) return sql;
  let out = '';
  let at = 0;
  for (const [start, end] of literals) {
    out += sql.slice(at, start) + `'${REDACTED}'`;
    at = end;
  }
  return out + sql.slice(at);
}

/** A copy of positional parameters with the given indexes replaced by `[REDACTED]`. */
export function redactParams(params: readonly unknown[], indexes: readonly number[]): unknown[] {
  if (indexes.length === 0) return params as unknown[];
  const copy = params.slice();
  for (const i of indexes) if (i >= 0 && i < copy.length) copy[i] = REDACTED;
  return copy;
}

/**
 * Parameters a driver wrote into the text itself (mysql2's `query()` formats them client-side):
 * those equal to a redacted literal are redacted too.
 */
export function redactParamsLike(sql: string, literals: ReadonlyArray<readonly [number, number]>, params: readonly unknown[]): unknown[] {
  if (literals.length === 0) return params as unknown[];
  const values = new Set(literals.map(([start, end]) => unquote(sql.slice(start, end))));
  let copy: unknown[] | null = null;
  params.forEach((value, i) => {
    if (value === null || value === undefined || typeof value === 'object') return;
    if (!values.has(String(value))) return;
    copy ??= params.slice();
    copy[i] = REDACTED;
  });
  return copy ?? (params as unknown[]);
}

/** The text of a literal: quotes and escapes removed (`'it''s'`, `'it\'s'` → `it's`). */
function unquote(literal: string): string {
  const m = /^[A-Za-z]*(['"])([\s\S]*)\1$/.exec(literal);
  if (!m) return literal;
  const q = m[1];
  return m[2]
    .split(q + q)
    .join(q)
    .replace(/\\(.)/g, '$1');
}
