import { normalizeSql, sqlFamilyHash, tokenizeSql } from './query-normalizer.js';

describe('normalizeSql (query families)', () => {
  it.each([
    ['numbers', 'SELECT * FROM users WHERE id = 42 AND score > 3.5e2 AND ratio < .25', 'SELECT * FROM users WHERE id = ? AND score > ? AND ratio < ?'],
    [
      'a unary minus folds into its number, a binary one stays',
      'SELECT a - 1 FROM t WHERE x = -5 AND y IN (-1, 2)',
      'SELECT a - ? FROM t WHERE x = ? AND y IN (?)',
    ],
    ['hex numbers', 'SELECT * FROM t WHERE flags = 0xFF', 'SELECT * FROM t WHERE flags = ?'],
    ['digits inside identifiers are kept', 'SELECT t1.col_2 FROM table3 t1', 'SELECT t1.col_2 FROM table3 t1'],
    ["quoted strings with '' escapes", "SELECT * FROM t WHERE name = 'O''Brien' AND city = 'x'", 'SELECT * FROM t WHERE name = ? AND city = ?'],
    ['E-strings with backslash escapes (PostgreSQL)', "SELECT E'it\\'s', 'plain' FROM t", 'SELECT ?, ? FROM t'],
    ['prefixed literals N, X, B', "SELECT N'unicode', X'1F', B'101' FROM t", 'SELECT ?, ?, ? FROM t'],
    ['dollar-quoted strings, tagged and not', "SELECT $$it's $1 -- not a comment$$, $fn$ body ; 'x' $fn$ FROM t", 'SELECT ?, ? FROM t'],
    ['$n placeholders', 'SELECT * FROM users WHERE id = $1 AND org = $12', 'SELECT * FROM users WHERE id = ? AND org = ?'],
    ['? placeholders', 'SELECT * FROM users WHERE id = ? AND org = ?', 'SELECT * FROM users WHERE id = ? AND org = ?'],
    ['IN lists of any length fold to one ?', 'SELECT * FROM posts WHERE author_id IN (1, 2, 3, 4)', 'SELECT * FROM posts WHERE author_id IN (?)'],
    ['IN lists of placeholders', 'SELECT * FROM posts WHERE author_id in ($1,$2,$3)', 'SELECT * FROM posts WHERE author_id in (?)'],
    [
      'a subquery in IN is kept',
      'SELECT * FROM a WHERE id IN (SELECT a_id FROM b WHERE x = 1)',
      'SELECT * FROM a WHERE id IN (SELECT a_id FROM b WHERE x = ?)',
    ],
    ['ARRAY[...] folds', 'SELECT * FROM t WHERE id = ANY(ARRAY[1, 2, 3])', 'SELECT * FROM t WHERE id = ANY(ARRAY[?])'],
    ['repeated VALUES tuples fold to one', 'INSERT INTO t (a, b) VALUES (1, 2), (3, 4), ($1, $2)', 'INSERT INTO t (a, b) VALUES (?, ?)'],
    ['line comments are dropped', 'SELECT 1 -- the answer\nFROM dual', 'SELECT ? FROM dual'],
    ['block comments (nested) are dropped', 'SELECT /* a /* nested */ comment */ id FROM t', 'SELECT id FROM t'],
    ['multi-line SQL collapses to one line', 'SELECT id,\n       name\n  FROM users\n WHERE id = 1\n', 'SELECT id, name FROM users WHERE id = ?'],
    ['no space inside parentheses nor before commas', 'SELECT count( * ) , max( id ) FROM t', 'SELECT count(*), max(id) FROM t'],
    ['trailing semicolons go', 'SELECT 1;  ;', 'SELECT ?'],
    [
      'quoted identifiers are kept (with their "" escapes)',
      'SELECT "user"."Name ""x""" FROM "user" WHERE "id" = 7',
      'SELECT "user"."Name ""x""" FROM "user" WHERE "id" = ?',
    ],
    ['casts are kept', "SELECT '2024-01-01'::date, $1::int", 'SELECT ?::date, ?::int'],
  ])('%s', (_title, sql, normalized) => {
    expect(normalizeSql(sql)).toBe(normalized);
  });

  it('MySQL: backticks are identifiers, "..." and backslash-escaped strings are strings', () => {
    expect(normalizeSql('SELECT `name` FROM `users` WHERE `bio` = \'it\\\'s\' AND note = "say \\"hi\\"" AND id = 3', 'mysql')).toBe(
      'SELECT `name` FROM `users` WHERE `bio` = ? AND note = ? AND id = ?',
    );
    // PostgreSQL reads a backslash as a plain character: the string ends at the quote.
    expect(normalizeSql("SELECT 'C:\\' AS path, 1", 'postgres')).toBe('SELECT ? AS path, ?');
  });

  it('an unterminated string or comment runs to the end and never throws', () => {
    expect(normalizeSql("SELECT 'oops FROM t")).toBe('SELECT ?');
    expect(normalizeSql('SELECT 1 /* open')).toBe('SELECT ?');
    expect(normalizeSql('')).toBe('');
  });

  it('statements of one shape share a family; different shapes do not', () => {
    const a = normalizeSql("SELECT * FROM posts WHERE author_id = 1 AND title = 'a'");
    const b = normalizeSql('select_posts_is_not_the_same');
    const c = normalizeSql("SELECT  *  FROM posts\nWHERE author_id = 99 AND title = 'b' -- again");
    expect(a).toBe(c);
    expect(sqlFamilyHash(a)).toBe(sqlFamilyHash(c));
    expect(sqlFamilyHash(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(sqlFamilyHash(a)).not.toBe(sqlFamilyHash(b));
  });

  it('tokens cover the text exactly, in order', () => {
    const sql = "SELECT \"a\", 'b''c', $1, ?, 3.5 FROM t -- x\n/* y */";
    const tokens = tokenizeSql(sql);
    expect(tokens.map((t) => sql.slice(t.start, t.end)).join('')).toBe(sql);
    expect(tokens.filter((t) => t.kind !== 'space').map((t) => t.kind)).toEqual([
      'word',
      'identifier',
      'op',
      'string',
      'op',
      'param',
      'op',
      'param',
      'op',
      'number',
      'word',
      'word',
      'comment',
      'comment',
    ]);
  });
});
