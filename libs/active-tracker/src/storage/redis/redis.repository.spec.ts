import { Redis } from 'ioredis';
import { decodeTime, ulid } from 'ulid';
import { Entry } from '../../entries/entry.js';
import { entryRepositoryContract } from '../../../test/entry-repository.contract.js';
import { RedisServer, startRedisServer } from '../../../test/support/redis-server.js';
import { RetentionPolicy } from '../entry-repository.js';
import { RedisRepository } from './redis.repository.js';

/** Parses `INFO commandstats` into calls per command name (lowercase). */
async function commandCalls(client: Redis): Promise<Record<string, number>> {
  const info = await client.info('commandstats');
  const calls: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[match[1]] = Number(match[2]);
  return calls;
}

function entry(id: string, fields: Partial<Entry> = {}): Entry {
  return {
    id,
    type: 'request',
    batchId: 'batch-1',
    occurredAt: new Date(decodeTime(id)).toISOString(),
    durationMs: 3,
    familyHash: null,
    tags: { env: 'prod' },
    content: { message: `entry ${id}` },
    ...fields,
  };
}

const idsAt = (count: number): string[] => {
  const start = Date.now() - count;
  return Array.from({ length: count }, (_, i) => ulid(start + i));
};

const RETENTION: RetentionPolicy = { maxAgeMs: 60 * 60_000, maxEntriesPerType: 1000 };

// One server for the contract; the repository must never issue KEYS or SCAN on it (checked last).
let server: RedisServer;
let admin: Redis;
const clients: Redis[] = [];
let prefixes = 0;

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
  await admin?.quit();
  await server?.stop();
});

async function connect(url: string): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true });
  clients.push(client);
  await client.connect();
  return client;
}

entryRepositoryContract('RedisRepository', async (retention) => {
  const client = await connect(server.url);
  const repo = new RedisRepository(client, { keyPrefix: `contract-${++prefixes}:`, retention });
  return {
    repo,
    cleanup: async () => {
      await repo.clear();
      await client.quit();
    },
  };
});

describe('RedisRepository specifics', () => {
  it('writes a whole save in one round-trip (one socket write), whatever its size', async () => {
    const client = await connect(server.url);
    const repo = new RedisRepository(client, { keyPrefix: 'roundtrip:', retention: RETENTION });
    const entries = idsAt(60).map((id, i) =>
      entry(id, { type: i % 2 ? 'exception' : 'log', familyHash: `f${i % 5}`, batchId: `b${i % 7}`, tags: { t: `${i % 3}` } }),
    );
    const before = await commandCalls(admin);
    const stream = client.stream;
    const write = stream.write;
    let writes = 0;
    stream.write = function (this: typeof stream, ...args: Parameters<typeof write>) {
      writes++;
      return write.apply(this, args);
    } as typeof write;
    try {
      await repo.save(entries);
    } finally {
      stream.write = write;
    }
    expect(writes).toBe(1);
    const after = await commandCalls(admin);
    const delta = (name: string): number => (after[name] ?? 0) - (before[name] ?? 0);
    expect(delta('set')).toBe(60);
    // One script call per family (5 hashes x 2 types where they occur), not per entry.
    expect(delta('eval')).toBe(10);
    expect((await repo.list({ limit: 100 })).data).toHaveLength(60);
    await repo.clear();
  });

  it('skips ids whose entry key has expired and still fills the page', async () => {
    const client = await connect(server.url);
    const repo = new RedisRepository(client, { keyPrefix: 'dangling:', retention: RETENTION });
    const entries = idsAt(10).map((id) => entry(id));
    await repo.save(entries);
    await client.del(`dangling:e:${entries[8].id}`, `dangling:e:${entries[5].id}`);
    const expected = entries.map((e) => e.id).reverse().filter((id) => id !== entries[8].id && id !== entries[5].id);
    const page = await repo.list({ limit: 5 });
    expect(page.data.map((e) => e.id)).toEqual(expected.slice(0, 5));
    const rest = await repo.list({ limit: 5, before: page.next! });
    expect(rest.data.map((e) => e.id)).toEqual(expected.slice(5));
    expect(rest.next).toBeNull();
    expect((await repo.batch('batch-1')).map((e) => e.id)).toEqual([...expected].reverse());
    await repo.clear();
  });

  it('reports readiness from the client and only quits a client it owns', async () => {
    const shared = await connect(server.url);
    const borrowed = new RedisRepository(shared, { keyPrefix: 'ready:', retention: RETENTION });
    expect(borrowed.isReady()).toBe(true);
    await borrowed.close();
    expect(shared.status).toBe('ready');
    expect(await shared.ping()).toBe('PONG');

    const owned = new RedisRepository(await connect(server.url), { keyPrefix: 'ready:', retention: RETENTION, ownsClient: true });
    await owned.close();
    expect(owned.isReady()).toBe(false);
  });

  it('surfaces write errors to the caller', async () => {
    const client = await connect(server.url);
    const repo = new RedisRepository(client, { keyPrefix: 'errors:', retention: RETENTION });
    const [id] = idsAt(1);
    // A key of the wrong type where an index belongs makes the pipeline fail.
    await client.set('errors:i:all', 'not a sorted set');
    await expect(repo.save([entry(id)])).rejects.toThrow(/WRONGTYPE/);
    await client.del('errors:i:all');
  });

  describe('key layout (on a dedicated server, so the whole keyspace can be inspected)', () => {
    let layoutServer: RedisServer;
    let client: Redis;
    beforeAll(async () => {
      layoutServer = await startRedisServer();
      client = await connect(layoutServer.url);
    });
    afterAll(async () => {
      await client.quit();
      await layoutServer.stop();
    });

    async function allKeys(): Promise<string[]> {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await client.scan(cursor, 'COUNT', 1000);
        keys.push(...batch);
        cursor = next;
      } while (cursor !== '0');
      return keys.sort();
    }

    it('puts every key under the prefix, with a TTL, and clear() removes all of them but no foreign key', async () => {
      const maxAgeMs = 5 * 60_000;
      const repo = new RedisRepository(client, {
        keyPrefix: 'at:',
        retention: { maxAgeMs, maxEntriesPerType: 1000 },
      });
      await client.set('foreign:key', 'keep me');
      await client.set('at-lookalike', 'keep me too');
      const entries = idsAt(30).map((id, i) =>
        entry(id, { type: i % 2 ? 'exception' : 'request', familyHash: `f${i % 3}`, batchId: `b${i % 4}`, tags: { u: `${i % 5}` } }),
      );
      await repo.save(entries.slice(0, 15));
      await repo.save(entries.slice(15));
      await repo.prune();

      const keys = (await allKeys()).filter((key) => key !== 'foreign:key' && key !== 'at-lookalike');
      expect(keys.length).toBeGreaterThan(30);
      for (const key of keys) {
        expect(key.startsWith('at:')).toBe(true);
        const ttl = await client.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(maxAgeMs);
      }
      expect(keys.filter((key) => key.startsWith('at:e:'))).toHaveLength(30);

      await repo.clear();
      expect(await allKeys()).toEqual(['at-lookalike', 'foreign:key']);
    });

    it('stays bounded: prune() deletes evicted entry keys and their index references', async () => {
      const repo = new RedisRepository(client, { keyPrefix: 'bounded:', retention: { maxAgeMs: 60 * 60_000, maxEntriesPerType: 5 } });
      const entries = idsAt(40).map((id, i) => entry(id, { familyHash: 'f', batchId: `b${i}`, tags: { env: 'prod', n: `${i}` } }));
      await repo.save(entries);
      await repo.prune();
      const keys = await allKeys();
      expect(keys.filter((key) => key.startsWith('bounded:e:'))).toHaveLength(5);
      expect(await client.zcard('bounded:i:tag:env:prod')).toBe(5);
      expect(await client.zcard('bounded:i:family:f')).toBe(5);
      expect(await client.zcard('bounded:i:all')).toBe(5);
      // Indexes left empty by eviction are gone.
      expect(await client.exists('bounded:i:batch:b0', 'bounded:i:tag:n:0')).toBe(0);
      await repo.clear();
    });

    it('trims expired ids from tag and family indexes as they are written (at most once a minute per key); prune() drops old batch links', async () => {
      const retention = { maxAgeMs: 60_000, maxEntriesPerType: 1000 };
      const repo = new RedisRepository(client, { keyPrefix: 'trim:', retention });
      const fields = { familyHash: 'f', batchId: 'b', tags: { env: 'prod' } };
      const old = [0, 1, 2].map((i) => entry(ulid(Date.now() - 10 * 60_000 + i), fields));
      await repo.save(old);
      // Their keys expire (TTL) before prune() can read which indexes point at them.
      await client.del(...old.map((e) => `trim:e:${e.id}`));
      await repo.prune();
      // A writer that has not trimmed these keys in the last minute (here: a new process) trims them.
      const writer = new RedisRepository(client, { keyPrefix: 'trim:', retention });
      const fresh = entry(ulid(), fields);
      await writer.save([fresh]);
      for (const key of ['trim:i:tag:env:prod', 'trim:i:family:f', 'trim:i:all', 'trim:i:type:request']) {
        expect([key, await client.zrange(key, 0, '-1')]).toEqual([key, [fresh.id]]);
      }
      // Batch links live in one set; reads skip expired ids, and the set has a TTL.
      expect(await client.zrange('trim:i:batches', 0, '-1')).toContain(`b\x00${fresh.id}`);
      expect(await client.pttl('trim:i:batches')).toBeGreaterThan(0);
      expect((await writer.list({ batch: 'b', limit: 10 })).data.map((e) => e.id)).toEqual([fresh.id]);
      expect((await writer.batch('b')).map((e) => e.id)).toEqual([fresh.id]);
      // Within the minute, the same writer does not trim again (one ZREMRANGEBYLEX per key per minute).
      const stale = entry(ulid(Date.now() - 10 * 60_000 + 5), fields);
      await writer.save([stale]);
      expect(await client.zrange('trim:i:tag:env:prod', 0, '-1')).toContain(stale.id);
      await repo.clear();
    });
  });

  describe('outages (test/support/redis-server helpers)', () => {
    const waitFor = async (condition: () => boolean): Promise<void> => {
      const deadline = Date.now() + 5000;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error('condition not met within 5 s');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };

    it('is not ready while the server is down, fails writes, and works again after restart', async () => {
      const outageServer = await startRedisServer();
      const client = new Redis(outageServer.url, { enableOfflineQueue: false, retryStrategy: () => 20, commandTimeout: 300 });
      client.on('error', () => undefined);
      clients.push(client);
      const repo = new RedisRepository(client, { keyPrefix: 'outage:', retention: RETENTION });
      try {
        await waitFor(() => repo.isReady());
        const [before, during, after] = idsAt(3);
        await repo.save([entry(before)]);

        await outageServer.kill();
        await waitFor(() => !repo.isReady());
        await expect(repo.save([entry(during)])).rejects.toThrow();

        await outageServer.restart();
        await waitFor(() => repo.isReady());
        expect(await repo.find(before)).toBeNull(); // no persistence: a restarted server is empty
        await repo.save([entry(after)]);
        expect((await repo.list({ limit: 10 })).data.map((e) => e.id)).toEqual([after]);

        outageServer.pause();
        await expect(client.ping()).rejects.toThrow(/timed out/i);
        outageServer.resume();
        await waitFor(() => repo.isReady());
        expect(await client.ping()).toBe('PONG');
      } finally {
        client.disconnect();
        await outageServer.stop();
      }
    });
  });

  // Last on purpose: covers every command the contract and the tests above sent to the main server.
  it('never issued KEYS or SCAN', async () => {
    const calls = await commandCalls(admin);
    expect(calls.set).toBeGreaterThan(1000);
    expect(calls.keys).toBeUndefined();
    expect(calls.scan).toBeUndefined();
  });
});

describe('RedisRepository batch links', () => {
  let server: Awaited<ReturnType<typeof startRedisServer>>;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    client = new Redis(server.url);
  });
  afterAll(async () => {
    client.disconnect();
    await server.stop();
  });

  it('adds every batch link of a flush with one ZADD, and prune() drops links of batches past retention', async () => {
    const repo = new RedisRepository(client, { keyPrefix: 'links:', retention: { maxAgeMs: 60_000, maxEntriesPerType: 1000 } });
    const oldBatch = ulid(Date.now() - 10 * 60_000);
    const newBatch = ulid();
    const zadds = async () => Number((await client.info('commandstats')).match(/cmdstat_zadd:calls=(\d+)/)?.[1] ?? 0);
    const unbatched = new RedisRepository(client, { keyPrefix: 'nolinks:', retention: { maxAgeMs: 60_000, maxEntriesPerType: 1000 } });
    let before = await zadds();
    await unbatched.save([entry(ulid(), { batchId: null }), entry(ulid(), { batchId: null }), entry(ulid(), { batchId: null })]);
    const withoutBatches = (await zadds()) - before;
    before = await zadds();
    await repo.save([
      entry(ulid(Date.now() - 10 * 60_000), { batchId: oldBatch }),
      entry(ulid(), { batchId: newBatch }),
      entry(ulid(), { batchId: newBatch }),
    ]);
    // Two batches, three links: one more ZADD in all, not one (or two) per batch.
    expect((await zadds()) - before).toBe(withoutBatches + 1);
    await unbatched.clear();
    expect(await client.zcard('links:i:batches')).toBe(3);
    expect(await repo.batch(newBatch)).toHaveLength(2);
    await repo.prune();
    expect(await client.zrange('links:i:batches', 0, '-1')).toEqual(expect.not.arrayContaining([expect.stringContaining(oldBatch)]));
    expect(await client.zcard('links:i:batches')).toBe(2);
    await repo.clear();
    expect(await client.exists('links:i:batches')).toBe(0);
  });
});
