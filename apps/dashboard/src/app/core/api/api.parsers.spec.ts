import { anEntry, aFamily, builtInEntries, eventContent, exceptionContent, failedCallContent, requestContent } from '../../../testing/api.fixtures';
import { parseEntries, parseEntryDetail, parseExceptionFamilies, parseFamilies } from './api.parsers';
import { ENCRYPTED } from './entry.guards';

/** An entries answer holding `content` as the one entry of `type`. */
function entriesWith(type: string, content: Record<string, unknown>): unknown {
  return { data: [anEntry(type, content)], next: null };
}

describe('API answer parsers', () => {
  it('accept every built-in entry type as the contracts describe it', () => {
    const answer = { data: builtInEntries(), next: '01JAAAAAAAAAAAAAAAAAAAAAAA' };
    expect(parseEntries(answer)).toEqual(answer);
    const [first, ...batch] = builtInEntries();
    const timeline = batch.map((e, i) => ({ id: e.id, type: e.type, offsetMs: i * 2.5, durationMs: e.durationMs }));
    const detail = { data: first, batch, timeline, startedAt: first.occurredAt };
    expect(parseEntryDetail(detail)).toEqual(detail);
    expect(() => parseEntryDetail({ ...detail, timeline: [{ ...timeline[0], offsetMs: null }] })).toThrow('timeline[0].offsetMs should be a number, got null');
  });

  it('accept unknown entry types with any content object', () => {
    expect(parseEntries(entriesWith('cache-op', { key: 'user:1', nested: { a: [1] } })).data[0].type).toBe('cache-op');
  });

  it('reject the drifted event (tags instead of eventTags)', () => {
    const { eventTags, ...drifted } = eventContent;
    expect(() => parseEntries(entriesWith('event', { ...drifted, tags: eventTags }))).toThrow(
      'unexpected answer from the API: data[0].content.eventTags should be an object, got nothing',
    );
  });

  it('reject a failed call whose error is not { name, message, code? }', () => {
    expect(() => parseEntries(entriesWith('http-client', { ...failedCallContent, error: 'fetch failed' }))).toThrow(
      'data[0].content.error should be an object, got the string "fetch failed"',
    );
    expect(() => parseEntries(entriesWith('http-client', { ...failedCallContent, error: { name: 'TypeError' } }))).toThrow(
      'data[0].content.error.message should be a string, got nothing',
    );
  });

  it('reject drifted built-in content with the path of the field', () => {
    expect(() => parseEntries(entriesWith('request', { ...requestContent, status: '201' }))).toThrow('data[0].content.status should be a number');
    expect(() => parseEntries(entriesWith('request', { ...requestContent, log: [{ level: 'log', message: 'x' }] }))).toThrow(
      'data[0].content.log[0].at should be a string, got nothing',
    );
    expect(() => parseEntries(entriesWith('exception', { ...exceptionContent, frames: [{ file: 'a.ts' }] }))).toThrow(
      'data[0].content.frames[0].function should be a string, got nothing',
    );
    expect(() => parseEntries(entriesWith('log', { level: 'loud', message: 'x' }))).toThrow('data[0].content.level should be one of "verbose"');
  });

  it('accept the encryption placeholder in place of any content field', () => {
    const sealed = { ...requestContent, requestHeaders: ENCRYPTED, body: ENCRYPTED, log: ENCRYPTED };
    expect(parseEntries(entriesWith('request', sealed)).data[0].content['requestHeaders']).toBe(ENCRYPTED);
  });

  it('reject drift in the envelope and in the entry fields', () => {
    expect(() => parseEntries({ data: [] })).toThrow('unexpected answer from the API: next should be a string, got nothing');
    expect(() => parseEntries({ entries: [], next: null })).toThrow('data should be an array, got nothing');
    const { version, ...old } = anEntry('log', { level: 'log', message: 'x' });
    expect(() => parseEntries({ data: [old], next: null })).toThrow('data[0].version should be a number, got nothing');
    expect(() => parseEntries({ data: [{ ...old, version, tags: { n: 1 } }], next: null })).toThrow('data[0].tags.n should be a string');
    expect(() => parseEntryDetail({ data: old })).toThrow('data.version should be a number');
  });

  it('check a type named like an Object method as an unknown type, not through the prototype', () => {
    expect(parseEntries(entriesWith('toString', { a: 1 })).data).toHaveLength(1);
  });

  it('parse family pages and reject drifted statistics', () => {
    const answer = { data: [aFamily(), aFamily({ maxDurationMs: null, avgDurationMs: null, p50: null, p95: null, p99: null })], next: 'c' };
    expect(parseFamilies(answer)).toEqual(answer);
    const { p95, ...drifted } = aFamily();
    expect(() => parseFamilies({ data: [drifted], next: null })).toThrow('data[0].p95 should be a number, got nothing');
    expect(() => parseFamilies({ data: [aFamily({ summary: { size: 2048 as unknown as string } })], next: null })).toThrow(
      'data[0].summary.size should be a string',
    );
  });

  it('parse exception families (v1 row shape plus approximate)', () => {
    const row = {
      familyHash: 'f1',
      class: 'BoomError',
      message: 'boom',
      location: 'src/a.ts:1',
      count: 2,
      firstSeen: 'a',
      lastSeen: 'b',
      lastEntryId: 'x',
      approximate: true,
    };
    expect(parseExceptionFamilies({ data: [row], next: null }).data[0]).toBe(row);
    expect(() => parseExceptionFamilies({ data: [{ ...row, location: { file: 'a' } }], next: null })).toThrow(
      'data[0].location should be a string, got an object',
    );
  });
});
