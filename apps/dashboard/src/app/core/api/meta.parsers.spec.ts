import { cachePlugin } from '../../../testing/api.fixtures';
import { parseMeta, parseStats } from './meta.parsers';

const meta = (plugins: unknown[]): unknown => ({ data: { version: '0.2.0', perPage: 50, plugins, live: { heartbeatMs: 15000 } } });
const builtIn = { name: 'requests', entryType: 'request', title: 'Requests', path: 'requests', icon: null, view: null, routes: [] };

describe('meta and stats parsers', () => {
  it('accept plugins with and without view metadata', () => {
    const parsed = parseMeta(meta([builtIn, cachePlugin]));
    expect(parsed.data.plugins).toEqual([builtIn, cachePlugin]);
    expect(parsed.data.plugins[1].viewProblem).toBeUndefined();
  });

  it('reject drift in a plugin entry (icon, routes)', () => {
    const { icon, ...noIcon } = builtIn;
    expect(() => parseMeta(meta([noIcon]))).toThrow('unexpected answer from the API: data.plugins[0].icon should be a string, got nothing');
    expect(() => parseMeta(meta([{ ...builtIn, routes: [{ method: 'GET' }] }]))).toThrow('data.plugins[0].routes[0].path should be a string');
  });

  it('keep a plugin whose view is unusable on the generic pages, saying why', () => {
    const badFormat = { ...cachePlugin.view, list: { columns: [{ field: 'content.key', label: 'Key', format: 'sparkline' }] } };
    const badPath = { ...cachePlugin.view, detail: { sections: [{ kind: 'json', field: 'content.__proto__.x y' }] } };
    const badKind = { ...cachePlugin.view, detail: { sections: [{ kind: 'chart', field: 'content.x' }] } };
    const [a, b, c] = parseMeta(
      meta([
        { ...cachePlugin, view: badFormat },
        { ...cachePlugin, view: badPath },
        { ...cachePlugin, view: badKind },
      ]),
    ).data.plugins;
    expect(a.view).toBeNull();
    expect(a.viewProblem).toBe(
      'data.plugins[0].view.list.columns[0].format should be one of "text", "number", "duration", "bytes", "status", "time", "badge", "code", got the string "sparkline"',
    );
    expect(b.viewProblem).toMatch(/^data\.plugins\[1\]\.view\.detail\.sections\[0\]\.field should be a field path/);
    expect(c.viewProblem).toBe('data.plugins[2].view.detail.sections[0].kind should be one of fields, json, code, backtrace, related, got the string "chart"');
  });

  it('parse statistics rows (number or string values)', () => {
    const answer = {
      data: [
        { plugin: 'requests', label: 'Requests', value: 3 },
        { plugin: 'storage', label: 'Redis', value: 'ok', error: false },
      ],
    };
    expect(parseStats(answer)).toEqual(answer);
    expect(() => parseStats({ data: [{ plugin: 'requests', label: 'Requests', value: null }] })).toThrow(
      'data[0].value should be a number or a string, got null',
    );
  });
});
