import { anEntry, cacheView } from '../../../testing/api.fixtures';
import { buildSections, detailTitle } from './view-sections.model';

describe('metadata-driven detail sections', () => {
  const frames = [{ function: 'get', file: 'src/cache.ts', line: 3, column: 7, app: true }];
  const entry = anEntry(
    'cache-op',
    { key: 'user:1', size: 2048, command: 'GET user:1', value: { name: 'Ada' }, frames },
    { tags: { op: 'hit' }, familyHash: 'user:1', batchId: '01JBATCH' },
  );
  const sibling = anEntry('request', { path: '/users/1' });
  const otherCache = anEntry('cache-op', { key: 'user:2' });

  it('builds each kind of section in the plugin order, with default titles', () => {
    const sections = buildSections(cacheView, entry, [entry, sibling, otherCache]);
    expect(sections.map((s) => [s.kind, s.title])).toEqual([
      ['fields', 'Operation'],
      ['code', 'command'],
      ['code', 'Value (JSON)'],
      ['json', 'value'],
      ['backtrace', 'Backtrace'],
      ['related', 'Same batch'],
      ['related', 'Same key'],
    ]);
  });

  it('fields: one formatted row per field', () => {
    const [fields] = buildSections(cacheView, entry, []);
    expect(fields).toEqual({
      kind: 'fields',
      title: 'Operation',
      rows: [
        { label: 'Op', cell: { kind: 'badge', text: 'hit', tone: 'tone-muted' } },
        { label: 'Size', cell: { kind: 'number', text: '2.0 KB' } },
      ],
    });
  });

  it('code and json: text as it is, JSON pretty-printed, the raw value for the JSON viewer', () => {
    const [, command, json, raw] = buildSections(cacheView, entry, []);
    expect(command).toMatchObject({ kind: 'code', language: 'text', text: 'GET user:1' });
    expect(json).toMatchObject({ kind: 'code', language: 'json', text: '{\n  "name": "Ada"\n}' });
    expect(raw).toEqual({ kind: 'json', title: 'value', value: { name: 'Ada' } });
    const empty = buildSections(cacheView, anEntry('cache-op', {}), []);
    expect(empty[1]).toMatchObject({ kind: 'code', text: '' });
  });

  it('backtrace: parsed frames, a raw stack string, or nothing', () => {
    expect(buildSections(cacheView, entry, [])[4]).toEqual({ kind: 'backtrace', title: 'Backtrace', frames, stack: null });
    const raw = buildSections(cacheView, anEntry('cache-op', { frames: 'Error: x\n    at a.ts:1' }), [])[4];
    expect(raw).toMatchObject({ frames: [], stack: 'Error: x\n    at a.ts:1' });
    const odd = buildSections(cacheView, anEntry('cache-op', { frames: [{ file: 1 }] }), [])[4];
    expect(odd).toMatchObject({ frames: [], stack: '[{"file":1}]' });
    expect(buildSections(cacheView, anEntry('cache-op', {}), [])[4]).toMatchObject({ frames: [], stack: null });
  });

  it('related by batch: the rest of the batch (of the given type, if any), no request', () => {
    const batch = buildSections(cacheView, entry, [entry, sibling, otherCache])[5];
    expect(batch).toMatchObject({ kind: 'related', relation: 'batch', query: null });
    expect(batch.kind === 'related' && batch.rows?.map((e) => e.id)).toEqual([sibling.id, otherCache.id]);
    const typed = buildSections({ ...cacheView, detail: { sections: [{ kind: 'related', relation: 'batch', type: 'request', columns: [] }] } }, entry, [
      sibling,
      otherCache,
    ])[0];
    expect(typed.kind === 'related' && typed.rows).toEqual([sibling]);
  });

  it('related by family: the GET entries query of its family, none without a family', () => {
    const family = buildSections(cacheView, entry, [])[6];
    expect(family).toMatchObject({ kind: 'related', relation: 'family', rows: null, query: { type: 'cache-op', family: 'user:1' } });
    const alone = buildSections(cacheView, anEntry('cache-op', {}), [])[6];
    expect(alone).toMatchObject({ query: null, empty: 'This entry has no family.' });
  });

  it('titles the page with the detail title field, else the entry summary', () => {
    expect(detailTitle(cacheView, entry)).toBe('user:1');
    expect(detailTitle(cacheView, anEntry('cache-op', { name: 'warm-up' }))).toBe('warm-up');
    expect(detailTitle({ ...cacheView, detail: { sections: [] } }, anEntry('cache-op', { sql: 'SELECT 1' }))).toBe('SELECT 1');
  });
});
