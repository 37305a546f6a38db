import type { Entry } from '../entries/entry.js';
import { entryChecks, entryMatcher, statusCheck, textCheck } from './entry-filter.js';
import type { EntryFilter } from './entry-repository.js';

function entry(over: Partial<Entry> & { content?: Record<string, unknown> }): Entry {
  return {
    id: '01JZ0000000000000000000001',
    type: 'request',
    batchId: '01JZ0000000000000000000000',
    occurredAt: '2026-11-28T10:00:00.000Z',
    durationMs: 12,
    familyHash: 'f1',
    tags: {},
    version: 1,
    ...over,
    content: { method: 'GET', path: '/users/7', url: '/users/7?x=1', status: 200, ...over.content },
  };
}

const matches = (filter: EntryFilter, e: Entry) => entryMatcher(filter)(e);

describe('entry filters (lists and the live stream)', () => {
  it('matches a status exactly or by class, and nothing for other values', () => {
    expect([200, 404, 500, 503, 599, 600, '500', null].map(statusCheck('5xx'))).toEqual([false, false, true, true, true, false, false, false]);
    expect([500, 503, '500'].map(statusCheck('500'))).toEqual([true, false, false]);
    expect([4, 40, 400].map(statusCheck('4XX'))).toEqual([false, false, true]);
  });

  it('matches method case-insensitively, path as a substring of the path (else the url), minimum duration and status', () => {
    const post = entry({ content: { method: 'POST', path: '/orders/9', status: 201 }, durationMs: 480 });
    expect(matches({ method: 'post' }, post)).toBe(true);
    expect(matches({ method: 'GET' }, post)).toBe(false);
    expect(matches({ path: 'ders/' }, post)).toBe(true);
    expect(matches({ path: '/users' }, post)).toBe(false);
    expect(matches({ status: '2xx', minDurationMs: 480 }, post)).toBe(true);
    expect(matches({ minDurationMs: 480.5 }, post)).toBe(false);
    expect(matches({ minDurationMs: 0 }, entry({ durationMs: null }))).toBe(false);
    const outbound = entry({ type: 'http-client', content: { path: undefined, url: 'https://api.example.com/v1/charge', status: 502 } });
    expect(matches({ path: '/v1/charge', status: '5xx' }, outbound)).toBe(true);
  });

  it('matches log levels at or above the given one', () => {
    const at = (level: string) => entry({ type: 'log', content: { level } });
    expect(['verbose', 'debug', 'log', 'warn', 'error', 'fatal'].filter((l) => matches({ level: 'warn' }, at(l)))).toEqual(['warn', 'error', 'fatal']);
    expect(matches({ level: 'verbose' }, entry({}))).toBe(false); // no level: not a log line
  });

  it('requires every tag (AND) and leaves out what the walked index guarantees', () => {
    const tagged = entry({ tags: { tenant: 'acme', plan: 'pro' } });
    expect(
      matches(
        {
          tags: [
            { key: 'tenant', value: 'acme' },
            { key: 'plan', value: 'pro' },
          ],
        },
        tagged,
      ),
    ).toBe(true);
    expect(
      matches(
        {
          tags: [
            { key: 'tenant', value: 'acme' },
            { key: 'plan', value: 'free' },
          ],
        },
        tagged,
      ),
    ).toBe(false);
    const filter: EntryFilter = {
      type: 'request',
      tags: [
        { key: 'tenant', value: 'acme' },
        { key: 'plan', value: 'pro' },
      ],
    };
    expect(entryChecks(filter, { kind: 'tag', key: 'tenant', value: 'acme' })).toHaveLength(2); // plan + type
    expect(entryChecks(filter, { kind: 'type', type: 'request' })).toHaveLength(2); // both tags
    expect(entryChecks({}, { kind: 'all' })).toEqual([]);
  });

  it('tests text on the stored JSON outside ciphertext, and a plain path before parsing', () => {
    expect(textCheck({})).toBeNull();
    expect(textCheck({ method: 'GET' })).toBeNull();
    const json = JSON.stringify(entry({ content: { note: 'Hello World', secret: { $enc: 'k1:iv:tag:cipherword' } } }));
    expect(textCheck({ q: 'hello world' })!(json)).toBe(true);
    expect(textCheck({ q: 'cipherword' })!(json)).toBe(false);
    expect(textCheck({ path: '/users/7' })!(json)).toBe(true);
    expect(textCheck({ path: '/orders' })!(json)).toBe(false);
    // A path JSON would escape is not pre-checked on the text (the parsed check decides).
    expect(textCheck({ path: 'a"b' })).toBeNull();
    expect(matches({ q: 'WORLD' }, entry({ content: { note: 'hello world' } }))).toBe(true);
    expect(matches({ q: 'absent' }, entry({}))).toBe(false);
  });
});
