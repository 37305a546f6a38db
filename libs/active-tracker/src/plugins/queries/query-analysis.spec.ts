import { REDACTED, SensitiveKeys } from '../../recorder/sensitive-keys.js';
import { findSensitiveValues, redactParams, redactSqlLiterals, SqlAnalyzer } from './query-analysis.js';
import { tokenizeSql, type SqlDialect } from './query-normalizer.js';

const sensitive = new SensitiveKeys().matches;
const find = (sql: string, dialect: SqlDialect = 'postgres') => findSensitiveValues(sql, tokenizeSql(sql, dialect), sensitive);

describe('values bound to sensitive columns (parameters redacted by the same key rules as request bodies)', () => {
  it('comparisons: $n and ? parameters by index, literals by range', () => {
    expect(find('SELECT id FROM users WHERE email = $1 AND password = $2')).toEqual({ params: [1], literals: [] });
    expect(find('SELECT id FROM users WHERE `users`.`password_hash` = ? AND email = ?', 'mysql')).toEqual({ params: [0], literals: [] });
    const sql = "SELECT id FROM users WHERE email = 'a@b.c' AND api_key <> 'k-123'";
    const found = find(sql)!;
    expect(found.params).toEqual([]);
    expect(found.literals.map(([s, e]) => sql.slice(s, e))).toEqual(["'k-123'"]);
  });

  it('UPDATE ... SET, IN lists, ANY(...), NOT IN and LIKE', () => {
    expect(find('UPDATE users SET token = $1, name = $2 WHERE id = $3')).toEqual({ params: [0], literals: [] });
    expect(find('SELECT * FROM cards WHERE card_number IN ($1, $2) AND id = $3')).toEqual({ params: [0, 1], literals: [] });
    expect(find('SELECT * FROM s WHERE session_id = ANY($1) AND x NOT IN ($2)')).toEqual({ params: [0], literals: [] });
    expect(find('SELECT * FROM s WHERE secret NOT LIKE ?', 'mysql')).toEqual({ params: [0], literals: [] });
  });

  it('INSERT column lists map onto every VALUES tuple', () => {
    expect(find('INSERT INTO "user"("email", "password") VALUES ($1, $2), ($3, $4) RETURNING "id"')).toEqual({ params: [1, 3], literals: [] });
    const sql = "insert into `users` (`name`, `cvv`) values ('ada', '123'), (DEFAULT, '456')";
    const found = find(sql, 'mysql')!;
    expect(found.literals.map(([s, e]) => sql.slice(s, e))).toEqual(["'123'", "'456'"]);
  });

  it('nothing sensitive: null (the common case, cached per text)', () => {
    expect(find('SELECT * FROM posts WHERE author_id = $1 AND title LIKE $2')).toBeNull();
    expect(find('SELECT count(*) FROM tokens_used')).toBeNull();
  });

  it('redaction helpers replace what was found, nothing else', () => {
    const sql = "UPDATE users SET password = 'hunter2', name = 'Ada' WHERE id = 1";
    const found = find(sql)!;
    expect(redactSqlLiterals(sql, found.literals)).toBe(`UPDATE users SET password = '${REDACTED}', name = 'Ada' WHERE id = 1`);
    const params = ['a@b.c', 'hunter2'];
    expect(redactParams(params, [1])).toEqual(['a@b.c', REDACTED]);
    expect(params).toEqual(['a@b.c', 'hunter2']);
  });

  it('the analyzer caches per text and dialect, and honours extra sensitive keys', () => {
    const analyzer = new SqlAnalyzer(new SensitiveKeys(['pin_code', 'nickname']).matches);
    const a = analyzer.analyze('SELECT * FROM u WHERE nickname = $1 AND id = $2', 'postgres');
    expect(a.sensitive).toEqual({ params: [0], literals: [] });
    expect(a.normalized).toBe('SELECT * FROM u WHERE nickname = ? AND id = ?');
    expect(analyzer.analyze('SELECT * FROM u WHERE nickname = $1 AND id = $2', 'postgres')).toBe(a);
    expect(analyzer.analyze('SELECT * FROM u WHERE nickname = $1 AND id = $2', 'mysql')).not.toBe(a);
  });
});
