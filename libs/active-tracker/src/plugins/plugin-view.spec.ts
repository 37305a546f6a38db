import { viewProblems } from './plugin-view.js';

describe('viewProblems', () => {
  const ok = {
    list: {
      columns: [{ field: 'content.sql', label: 'SQL', format: 'code' }],
      filters: [
        { kind: 'tag', key: 'db', label: 'Database', options: ['a'] },
        { kind: 'text', label: 'Search' },
      ],
      families: true,
    },
    detail: {
      title: 'content.sql',
      sections: [
        { kind: 'fields', fields: [{ field: 'durationMs', label: 'Duration', format: 'duration' }] },
        { kind: 'code', field: 'content.sql', language: 'sql' },
        { kind: 'json', field: 'content.params' },
        { kind: 'backtrace', field: 'content.frames' },
        { kind: 'related', relation: 'batch', type: 'request', columns: [{ field: 'content.path', label: 'Path' }] },
      ],
    },
  };

  it('accepts a complete, valid view', () => {
    expect(viewProblems(ok)).toEqual([]);
  });

  it.each([
    ['not an object', 'nope', '"view" must be an object'],
    ['a column field that is no path', { ...ok, list: { columns: [{ field: 'sql', label: 'x' }] } }, '"view.list.columns"[0].field'],
    ['an unknown format', { ...ok, list: { columns: [{ field: 'durationMs', label: 'x', format: 'pretty' }] } }, '.format must be one of'],
    ['a filter of an unknown kind', { ...ok, list: { ...ok.list, filters: [{ kind: 'range', label: 'x' }] } }, '.kind must be "tag" or "text"'],
    ['a tag filter without key', { ...ok, list: { ...ok.list, filters: [{ kind: 'tag', label: 'x' }] } }, '.key must be a tag key'],
    ['families not a boolean', { ...ok, list: { ...ok.list, families: 'yes' } }, '"view.list.families"'],
    ['a detail title that is no path', { ...ok, detail: { ...ok.detail, title: 'Query' } }, '"view.detail.title"'],
    ['an unknown section', { ...ok, detail: { sections: [{ kind: 'chart' }] } }, '.kind must be fields, json, code, backtrace or related'],
    [
      'an unknown code language',
      { ...ok, detail: { sections: [{ kind: 'code', field: 'content.sql', language: 'cobol' }] } },
      '.language must be sql, json or text',
    ],
    [
      'a related section without relation',
      { ...ok, detail: { sections: [{ kind: 'related', relation: 'siblings', columns: [] }] } },
      '.relation must be "batch" or "family"',
    ],
  ])('names the problem: %s', (_label, view, expected) => {
    expect(viewProblems(view).join('\n')).toContain(expected);
  });
});
