import { decodeTime, ulid } from 'ulid';
import { Entry } from '../../entries/entry.js';
import { entryRepositoryContract } from '../../../test/entry-repository.contract.js';
import { prepareEntry } from '../prepared-entry.js';
import { MemoryRepository } from './memory.repository.js';

entryRepositoryContract('MemoryRepository', async (retention) => {
  const repo = new MemoryRepository(retention);
  // One process, one store: a second "instance" is the same object.
  return { repo, twin: async () => repo, cleanup: async () => undefined };
});

describe('MemoryRepository specifics', () => {
  const entry = (id: string, i: number): Entry => ({
    id,
    type: i % 3 ? 'request' : 'log',
    batchId: `b${i % 4}`,
    occurredAt: new Date(decodeTime(id)).toISOString(),
    durationMs: null,
    familyHash: null,
    tags: { k: String(i % 2) },
    content: { i },
    version: 1,
  });

  it('stays bounded at every save, without waiting for prune()', async () => {
    const repo = new MemoryRepository({ maxAgeMs: 3_600_000, maxEntriesPerType: 50 });
    const start = Date.now() - 10_000;
    const all = Array.from({ length: 3000 }, (_, i) => entry(ulid(start + i), i));
    // Uneven save sizes exercise lazy removal and compaction of every index.
    for (let i = 0, size = 1; i < all.length; i += size, size = (size % 13) + 1) {
      await repo.save(all.slice(i, i + size).map((e) => prepareEntry(e)));
      expect(await repo.count('request')).toBeLessThanOrEqual(50);
      expect(await repo.count('log')).toBeLessThanOrEqual(50);
    }
    const kept = [...all.filter((e) => e.type === 'request').slice(-50), ...all.filter((e) => e.type === 'log').slice(-50)];
    const ids = (entries: Entry[]): string[] =>
      entries
        .map((e) => e.id)
        .sort()
        .reverse();
    expect((await repo.list({ limit: 1000 })).data.map((e) => e.id)).toEqual(ids(kept));
    expect((await repo.list({ limit: 1000, tags: [{ key: 'k', value: '1' }] })).data.map((e) => e.id)).toEqual(ids(kept.filter((e) => e.tags.k === '1')));
    expect((await repo.batch('b2')).map((e) => e.id)).toEqual(ids(kept.filter((e) => e.batchId === 'b2')).reverse());
  });

  it('is always ready and close() keeps nothing open', async () => {
    const repo = new MemoryRepository({ maxAgeMs: 1000, maxEntriesPerType: 1 });
    expect(repo.isReady()).toBe(true);
    await expect(repo.close()).resolves.toBeUndefined();
  });
});
