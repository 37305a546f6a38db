import { anEntry } from '../../../testing/api.fixtures';
import { fieldName, fieldValue } from './view-field.util';

describe('view field paths', () => {
  const entry = anEntry(
    'cache-op',
    { sql: 'SELECT 1', a: { b: { c: 3 } }, items: ['x', 'y'], nothing: null },
    { durationMs: 4.5, tags: { level: 'warn' }, familyHash: 'f1', batchId: '01JB' },
  );

  it('reads top-level fields, tags and nested content', () => {
    expect(fieldValue(entry, 'durationMs')).toBe(4.5);
    expect(fieldValue(entry, 'occurredAt')).toBe('2026-01-31T12:00:00.000Z');
    expect(fieldValue(entry, 'familyHash')).toBe('f1');
    expect(fieldValue(entry, 'version')).toBe(1);
    expect(fieldValue(entry, 'tags.level')).toBe('warn');
    expect(fieldValue(entry, 'content.sql')).toBe('SELECT 1');
    expect(fieldValue(entry, 'content.a.b')).toEqual({ c: 3 });
    expect(fieldValue(entry, 'content.a.b.c')).toBe(3);
    expect(fieldValue(entry, 'content.items.1')).toBe('y');
    expect(fieldValue(entry, 'content.nothing')).toBeNull();
  });

  it('finds nothing for missing fields, and never walks into prototypes or methods', () => {
    expect(fieldValue(entry, 'content.a.x.y')).toBeUndefined();
    expect(fieldValue(entry, 'tags.missing')).toBeUndefined();
    expect(fieldValue(entry, 'content.constructor')).toBeUndefined();
    expect(fieldValue(entry, 'content.__proto__')).toBeUndefined();
    expect(fieldValue(entry, 'content.sql.length')).toBeUndefined();
    expect(fieldValue(entry, 'content.items.length')).toBeUndefined();
    expect(fieldValue(entry, 'toString')).toBeUndefined();
    expect(fieldValue(entry, 'content')).toBeUndefined();
  });

  it('names a field by its last segment', () => {
    expect(fieldName('content.request.body')).toBe('body');
    expect(fieldName('durationMs')).toBe('durationMs');
  });
});
