import { Cluster, Redis } from 'ioredis';
import { decodeTime, ulid } from 'ulid';
import type { Entry } from '../../entries/entry.js';
import { entryRepositoryContract } from '../../../test/entry-repository.contract.js';
import { clusterClient, RedisClusterHandle, startRedisCluster } from '../../../test/support/redis-cluster.js';
import { RedisServer, startRedisServer } from '../../../test/support/redis-server.js';
import type { ResolvedActiveTrackerOptions } from '../../active-tracker.options.js';
import { createRepository } from '../create-repository.js';
import type { RetentionPolicy, WriteNotice } from '../entry-repository.js';
import { prepareEntry } from '../prepared-entry.js';
import { RedisRepository } from './redis.repository.js';
import { keepMs } from './redis.retention.js';

/**
 * The storage contract against a private redis-server and against a private 3-master Redis
 * Cluster (every `make` uses a fresh prefix; the twin, a second app instance, is a second
 * repository on a second client with the same prefix), then what only Redis has: round trips,
 * TTLs, key layout, KEYS/SCAN never used, pub/sub only while someone listens, Cluster prefixes.
 */
let prefixes = 0;
const RETENTION: RetentionPolicy = { maxAgeMs: 60 * 60_000, maxEntriesPerType: 1000 };

/** `INFO commandstats` as calls per command name (lowercase). */
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
    version: 1,
    ...fields,
  };
}

const idsAt = (count: number, endAgoMs = 0): string[] => {
  const start = Date.now() - endAgoMs - count;
  return Array.from({ length: count }, (_, i) => ulid(start + i));
};

const put = (repo: RedisRepository, entries: Entry[]): Promise<void> => repo.save(entries.map((e) => prepareEntry(e)));

async function waitFor(condition: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Every key of a server, through SCAN: only on servers whose KEYS/SCAN usage is not checked. */
async function allKeys(client: Redis): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys.sort();
}

describe('on a single redis-server', () => {
  // One server for the contract and the specifics; it must never see KEYS or SCAN (checked last).
  let server: RedisServer;
  let admin: Redis;
  let clients: Redis[];
  beforeAll(async () => {
    server = await startRedisServer();
    admin = new Redis(server.url);
    clients = [new Redis(server.url), new Redis(server.url)];
  });
  afterAll(async () => {
    await Promise.all([admin, ...clients].map((c) => c.quit().catch(() => undefined)));
    await server?.stop();
  });

  entryRepositoryContract('RedisRepository', async (retention) => {
    const keyPrefix = `{c${++prefixes}}:`;
    const repo = new RedisRepository(clients[0], { keyPrefix, retention });
    const twins: RedisRepository[] = [];
    return {
      repo,
      twin: async () => {
        const twin = new RedisRepository(clients[1], { keyPrefix, retention });
        twins.push(twin);
        return twin;
      },
      cleanup: async () => {
        await repo.clear();
        await Promise.all([repo, ...twins].map((r) => r.close()));
      },
    };
  });

  describe('RedisRepository specifics', () => {
    /** The prefix of the last repository opened. */
    let prefix = '';
    const open = (retention: RetentionPolicy = RETENTION, client: Redis = clients[0], keyPrefix = `{s${++prefixes}}:`): RedisRepository => {
      prefix = keyPrefix;
      return new RedisRepository(client, { keyPrefix, retention });
    };

    it('writes a save in one round trip: one socket write, one script call per 1000 entries', async () => {
      const repo = open({ maxAgeMs: 3_600_000, maxEntriesPerType: 10_000 });
      const client = clients[0];
      const shapes = (ids: string[]): Entry[] =>
        ids.map((id, i) =>
          entry(id, { type: i % 2 ? 'exception' : 'log', familyHash: `f${i % 5}`, batchId: `b${i % 7}`, tags: { t: `${i % 3}`, u: `${i % 4}` } }),
        );
      const counted = async (entries: Entry[]): Promise<{ writes: number; scripts: number; calls: Record<string, number> }> => {
        const before = await commandCalls(admin);
        const stream = client.stream;
        const write = stream.write;
        let writes = 0;
        stream.write = function (this: typeof stream, ...args: Parameters<typeof write>) {
          writes++;
          return write.apply(this, args);
        } as typeof write;
        try {
          await put(repo, entries);
        } finally {
          stream.write = write;
        }
        const after = await commandCalls(admin);
        const delta = (name: string): number => (after[name] ?? 0) - (before[name] ?? 0);
        const calls = Object.fromEntries(
          Object.keys(after)
            .map((name) => [name, delta(name)])
            .filter(([, n]) => n !== 0),
        );
        return { writes, scripts: delta('evalsha') + delta('eval'), calls };
      };
      const smallEntries = shapes(idsAt(60, 10_000));
      const small = await counted(smallEntries);
      expect(small.writes).toBe(1);
      expect(small.scripts).toBe(1);
      // Every command the server ran (1 for the script itself; the rest from inside it) is bounded
      // by keys touched, not by entries: 60 SETs, then one ZADD per index key...
      expect(small.calls.set).toBe(60);
      const large = await counted(shapes(idsAt(2500)));
      expect(large.writes).toBe(1);
      expect(large.scripts).toBe(3);
      expect(large.calls.set).toBe(2500);
      expect(large.calls.zadd).toBeLessThan(3 * 40);
      expect(await repo.count('log')).toBe(1280);
      // The same save again: idempotent, still one round trip, nothing indexed.
      const again = await counted(smallEntries);
      expect(again.scripts).toBe(1);
      expect(again.calls.zadd ?? 0).toBe(0);
      await repo.clear();
    });

    it('gives entries and every key it writes a TTL of retention plus the prune grace, and lets them expire', async () => {
      const maxAgeMs = 300;
      const repo = open({ maxAgeMs, maxEntriesPerType: 100 });
      const [id] = idsAt(1);
      await put(repo, [entry(id, { familyHash: 'f', tags: { env: 'prod' } })]);
      const ttl = await admin.pttl(`${prefix}e:${id}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(keepMs(maxAgeMs));
      for (const key of [`${prefix}t:request`, `${prefix}g:env=prod`, `${prefix}f:f`, `${prefix}F:request:f`, `${prefix}b`, `${prefix}types`, `${prefix}r`]) {
        const keyTtl = await admin.pttl(key);
        expect([key, keyTtl > 0 && keyTtl <= keepMs(maxAgeMs)]).toEqual([key, true]);
      }
      await waitFor(async () => (await admin.exists(`${prefix}e:${id}`)) === 0, 3000);
      expect(await repo.find(id)).toBeNull();
      expect((await repo.list({ limit: 10 })).data).toEqual([]);
    });

    it('skips ids whose entry key has gone and still fills the page', async () => {
      const repo = open();
      const entries = idsAt(10).map((id) => entry(id));
      await put(repo, entries);
      await admin.del(`${prefix}e:${entries[8].id}`, `${prefix}e:${entries[5].id}`);
      const expected = entries
        .map((e) => e.id)
        .reverse()
        .filter((id) => id !== entries[8].id && id !== entries[5].id);
      const first = await repo.list({ limit: 4 });
      expect(first.data.map((e) => e.id)).toEqual(expected.slice(0, 4));
      const tagged = await repo.list({ limit: 100, tags: [{ key: 'env', value: 'prod' }] });
      expect(tagged.data.map((e) => e.id)).toEqual(expected);
      expect((await repo.batch('batch-1')).map((e) => e.id)).toEqual([...expected].reverse());
      await repo.clear();
    });

    it('publishes write notices only while some instance listens, on a dedicated connection', async () => {
      const repo = open();
      // Another instance of the same store, listening.
      const listener = open(RETENTION, clients[1], prefix);
      const publishes = async (): Promise<number> => (await commandCalls(admin)).publish ?? 0;
      const subscribers = async (): Promise<number> => (await admin.pubsub('NUMSUB', `${prefix}written`))[1] as number;
      const before = await publishes();
      await put(repo, [entry(ulid())]);
      expect(await publishes()).toBe(before);
      expect(await admin.exists(`${prefix}live`)).toBe(0);

      const heard: WriteNotice[] = [];
      const stop = listener.subscribe((notice) => heard.push(notice));
      const throwing = listener.subscribe(() => {
        throw new Error('a listener bug');
      });
      // One dedicated subscriber connection for both listeners; the store's own client still runs commands.
      await waitFor(async () => (await admin.exists(`${prefix}live`)) === 1 && (await subscribers()) === 1);
      await put(listener, [entry(ulid(), { type: 'own' })]);
      await waitFor(() => heard.length > 0);
      heard.length = 0;
      const ttl = await admin.pttl(`${prefix}live`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30_000);
      const fresh = entry(ulid(), { type: 'log', batchId: null });
      await put(repo, [fresh]);
      await waitFor(() => heard.length > 0);
      expect(heard).toEqual([{ entries: [{ id: fresh.id, type: 'log', batchId: null }] }]);
      expect(await publishes()).toBe(before + 2);

      stop();
      throwing();
      // The last listener gone: the subscriber connection closes; `live` expires on its own
      // (another instance may still listen), simulated here.
      await waitFor(async () => (await subscribers()) === 0);
      await admin.del(`${prefix}live`);
      await put(repo, [entry(ulid())]);
      expect(await publishes()).toBe(before + 2);
      await repo.clear();
      await listener.close();
    });

    it('removes evicted entries from every index on prune(), and sweeps ids whose entries expired unseen', async () => {
      const repo = open({ maxAgeMs: 60_000, maxEntriesPerType: 5 });
      const entries = idsAt(40).map((id, i) => entry(id, { familyHash: 'f', batchId: ulid(), tags: { env: 'prod', n: `${i}` } }));
      await put(repo, entries);
      // Entries past retention whose keys vanished before any prune() saw them (all instances down).
      const lost = idsAt(3, 10 * 60_000).map((id) => entry(id, { familyHash: 'f', batchId: null, tags: { env: 'prod' } }));
      await put(repo, lost);
      await admin.del(...lost.map((e) => `${prefix}e:${e.id}`));
      await repo.prune();
      expect(await admin.zcard(`${prefix}t:request`)).toBe(5);
      expect(await admin.zcard(`${prefix}g:env=prod`)).toBe(5);
      expect(await admin.zcard(`${prefix}f:f`)).toBe(5);
      expect(await admin.zcard(`${prefix}b`)).toBe(5);
      expect(await admin.exists(`${prefix}g:n=0`, `${prefix}g:n=34`)).toBe(0);
      expect(await admin.exists(...entries.slice(0, 35).map((e) => `${prefix}e:${e.id}`))).toBe(0);
      expect(await admin.zcard(`${prefix}g:n=39`)).toBe(1);
      await repo.clear();
    });

    it('drops the older entry of a latestOnly family from every index, also one stored by an earlier save', async () => {
      const repo = open();
      const [a, b, c] = idsAt(3);
      const use = (id: string, batchId: string): Entry =>
        entry(id, { type: 'deprecation', familyHash: 'GET /old', batchId, tags: { kind: 'endpoint', 'odd=key': 'v' } });
      await repo.save([prepareEntry(use(a, 'b1'), { latestOnly: true })]);
      await repo.save([prepareEntry(use(b, 'b2'), { latestOnly: true }), prepareEntry(use(c, 'b2'), { latestOnly: true })]);
      expect(await admin.exists(`${prefix}e:${a}`, `${prefix}e:${b}`, `${prefix}e:${c}`)).toBe(1);
      // ioredis 6 types ZRANGE's `stop` as a string.
      expect(await admin.zrange(`${prefix}g:kind=endpoint`, 0, '-1')).toEqual([c]);
      expect(await admin.zrange(`${prefix}g:odd%3Dkey=v`, 0, '-1')).toEqual([c]);
      expect(await admin.zrange(`${prefix}f:GET /old`, 0, '-1')).toEqual([c]);
      expect(await admin.zrange(`${prefix}t:deprecation`, 0, '-1')).toEqual([c]);
      expect(await repo.batch('b1')).toEqual([]);
      expect((await repo.batch('b2')).map((e) => e.id)).toEqual([c]);
      expect((await repo.family('deprecation', 'GET /old'))!.count).toBe(3);
      await repo.clear();
    });

    it('keeps the registry small: keys that expired leave it, live ones are re-dated', async () => {
      const repo = open();
      await put(repo, [entry(ulid(), { tags: { a: '1' } })]);
      expect(await admin.zscore(`${prefix}r`, 'g:a=1')).not.toBeNull();
      // Pretend both were registered long ago; one key is gone meanwhile.
      await admin.zadd(`${prefix}r`, 1, 'g:a=1', 1, 'g:gone=1');
      await repo.prune();
      expect(await admin.zscore(`${prefix}r`, 'g:gone=1')).toBeNull();
      expect(Number(await admin.zscore(`${prefix}r`, 'g:a=1'))).toBeGreaterThan(Date.now());
      await repo.clear();
    });

    it('continues a numeric families order after the cursor family moved, without repeats', async () => {
      const repo = open();
      const shape = (hash: string, n: number): Entry[] => idsAt(n).map((id) => entry(id, { type: 'query', familyHash: hash, durationMs: 1 }));
      // counts: a 6, b 5, c 4, d 3, e 3, f 3, g 1
      for (const [hash, n] of [
        ['a', 6],
        ['b', 5],
        ['c', 4],
        ['d', 3],
        ['e', 3],
        ['f', 3],
        ['g', 1],
      ] as const)
        await put(repo, shape(hash, n));
      const first = await repo.families({ type: 'query', orderBy: 'count', limit: 4 });
      expect(first.data.map((f) => f.familyHash)).toEqual(['a', 'b', 'c', 'f']);
      // The cursor's family moves up (f: 3 -> 10) and a tie of the cursor's old score appears after it.
      await put(repo, shape('f', 7));
      await put(repo, shape('h', 3));
      const second = await repo.families({ type: 'query', orderBy: 'count', limit: 10, before: first.next! });
      expect(second.data.map((f) => f.familyHash)).toEqual(['e', 'd', 'g']);
      await repo.clear();
    });

    it('works on a client with its own ioredis keyPrefix (scripts build the same key names)', async () => {
      const client = new Redis(server.url, { keyPrefix: 'outer:' });
      try {
        const repo = new RedisRepository(client, { keyPrefix: '{inner}:', retention: RETENTION });
        const [a, b] = idsAt(2);
        await put(repo, [entry(a, { familyHash: 'f', tags: { k: 'v' } }), entry(b, { familyHash: 'f' })]);
        expect((await repo.list({ limit: 10 })).data.map((e) => e.id)).toEqual([b, a]);
        expect((await repo.list({ limit: 10, tags: [{ key: 'k', value: 'v' }] })).data.map((e) => e.id)).toEqual([a]);
        expect((await repo.families({ type: 'request', limit: 10, orderBy: 'count' })).data[0].count).toBe(2);
        expect((await repo.update(a, { tags: { k: 'w' } }, { expectedVersion: 1 })).version).toBe(2);
        expect((await repo.list({ limit: 10, tags: [{ key: 'k', value: 'w' }] })).data.map((e) => e.id)).toEqual([a]);
        expect(await admin.exists(`outer:{inner}:e:${a}`, `outer:{inner}:a:${a}`, 'outer:{inner}:F:request:f')).toBe(3);
        await repo.clear();
        expect(await admin.exists(`outer:{inner}:e:${a}`, 'outer:{inner}:r', 'outer:{inner}:F:request:f')).toBe(0);
      } finally {
        await client.quit();
      }
    });

    it('surfaces write errors to the caller', async () => {
      const repo = open();
      await admin.set(`${prefix}t:request`, 'not a sorted set');
      await expect(put(repo, [entry(ulid())])).rejects.toThrow(/WRONGTYPE/);
      await admin.del(`${prefix}t:request`);
      await repo.clear();
    });

    it('reports readiness from the client and only quits a client it owns', async () => {
      const shared = new Redis(server.url);
      const borrowed = new RedisRepository(shared, { keyPrefix: '{ready}:', retention: RETENTION });
      await waitFor(() => borrowed.isReady());
      await borrowed.close();
      expect(await shared.ping()).toBe('PONG');
      const owned = new RedisRepository(shared, { keyPrefix: '{ready}:', retention: RETENTION, ownsClient: true });
      await owned.close();
      expect(owned.isReady()).toBe(false);
      expect(shared.status).toBe('end');
    });

    it('is not ready while the server is down, fails writes, and works again after restart', async () => {
      const outage = await startRedisServer();
      const client = new Redis(outage.url, { enableOfflineQueue: false, retryStrategy: () => 20, commandTimeout: 300 });
      client.on('error', () => undefined);
      const repo = new RedisRepository(client, { keyPrefix: '{outage}:', retention: RETENTION });
      try {
        await repo.whenReady(2000);
        expect(repo.isReady()).toBe(true);
        const [before, during, after] = idsAt(3);
        await put(repo, [entry(before)]);
        await outage.kill();
        await waitFor(() => !repo.isReady());
        await expect(put(repo, [entry(during)])).rejects.toThrow();
        await outage.restart();
        await repo.whenReady(5000);
        expect(repo.isReady()).toBe(true);
        await put(repo, [entry(after)]); // the script is loaded again (EVAL after NOSCRIPT)
        expect((await repo.list({ limit: 10 })).data.map((e) => e.id)).toEqual([after]);
      } finally {
        client.disconnect();
        await outage.stop();
      }
    });

    // Last on purpose: covers every command the contract and the tests above sent to this server.
    it('never issued KEYS or SCAN', async () => {
      const calls = await commandCalls(admin);
      expect(calls.evalsha).toBeGreaterThan(100);
      expect(calls.keys).toBeUndefined();
      expect(calls.scan).toBeUndefined();
    });
  });
});

describe('key layout (a dedicated server, whose whole keyspace is inspected with SCAN)', () => {
  let server: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    client = new Redis(server.url);
  });
  afterAll(async () => {
    await client?.quit();
    await server?.stop();
  });

  it('puts every key under the prefix with a TTL, and clear() removes all of them and nothing else', async () => {
    const maxAgeMs = 5 * 60_000;
    const retention = { maxAgeMs, maxEntriesPerType: 1000, types: { log: { maxAgeMs: 60_000 } } };
    const repo = new RedisRepository(client, { keyPrefix: '{at}:', retention });
    const lookalike = new RedisRepository(client, { keyPrefix: '{at}x:', retention });
    await client.set('foreign', 'keep me');
    const entries = idsAt(30).map((id, i) =>
      entry(id, { type: i % 2 ? 'exception' : 'log', familyHash: `f${i % 3}`, batchId: `b${i % 4}`, tags: { u: `${i % 5}` } }),
    );
    await repo.save(entries.map((e) => prepareEntry(e, { counters: [{ name: 'hits', key: e.type, value: 1 }] })));
    await put(lookalike, entries.slice(0, 3));
    await repo.update(entries[0].id, { tags: { u: 'changed' } }, { expectedVersion: 1, actor: 'me' });
    await repo.prune();

    const mine = (await allKeys(client)).filter((key) => key.startsWith('{at}:'));
    expect(mine.filter((key) => key.startsWith('{at}:e:'))).toHaveLength(30);
    expect(mine).toEqual(expect.arrayContaining(['{at}:a:' + entries[0].id, '{at}:F:log:f0', '{at}:Fo:exception:p95', '{at}:g:u=changed']));
    expect(mine.some((key) => key.startsWith('{at}:c:hits:minute:'))).toBe(true);
    // Counter buckets live from their start for max(retention, a day) plus one bucket.
    const longest = 3 * 86_400_000;
    for (const key of mine) {
      const ttl = await client.pttl(key);
      const bound = key.startsWith('{at}:c:') ? longest : keepMs(maxAgeMs);
      expect([key, ttl > 0 && ttl <= bound]).toEqual([key, true]);
    }
    await repo.clear();
    const left = await allKeys(client);
    expect(left.filter((key) => !key.startsWith('{at}x:'))).toEqual(['foreign']);
    expect(left.filter((key) => key.startsWith('{at}x:e:'))).toHaveLength(3);
    await lookalike.clear();
    expect(await allKeys(client)).toEqual(['foreign']);
  });
});

describe('on a 3-node Redis Cluster', () => {
  let cluster: RedisClusterHandle;
  let clients: Cluster[];
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    clients = [await clusterClient(cluster), await clusterClient(cluster)];
  }, 30_000);
  afterAll(async () => {
    await Promise.all((clients ?? []).map((c) => c.quit().catch(() => undefined)));
    await cluster?.stop();
  });

  entryRepositoryContract('RedisRepository (Cluster)', async (retention) => {
    const keyPrefix = `{k${++prefixes}}:`;
    const repo = new RedisRepository(clients[0], { keyPrefix, retention });
    const twins: RedisRepository[] = [];
    return {
      repo,
      twin: async () => {
        const twin = new RedisRepository(clients[1], { keyPrefix, retention });
        twins.push(twin);
        return twin;
      },
      cleanup: async () => {
        await repo.clear();
        await Promise.all([repo, ...twins].map((r) => r.close()));
      },
    };
  });

  it('keeps the whole store in the slot of its hash tag', async () => {
    const repo = new RedisRepository(clients[0], { keyPrefix: '{slot}:', retention: RETENTION });
    const entries = idsAt(20).map((id, i) => entry(id, { familyHash: `f${i % 3}`, tags: { n: `${i}` } }));
    await repo.save(entries.map((e) => prepareEntry(e, { counters: [{ name: 'hits', key: 'x', value: 1 }] })));
    const slot = Number(await clients[0].cluster('KEYSLOT', '{slot}:'));
    // Only the slot's owner answers with its keys: ask every master.
    const inSlot = async (): Promise<string[]> =>
      (await Promise.all(clients[0].nodes('master').map((node) => node.cluster('GETKEYSINSLOT', slot, 10_000) as Promise<string[]>))).flat();
    const keys = await inSlot();
    expect(keys.filter((key) => key.startsWith('{slot}:e:'))).toHaveLength(20);
    expect(keys.filter((key) => key.startsWith('{slot}:')).length).toBeGreaterThan(20 + 10);
    await repo.clear();
    expect(await inSlot()).toEqual([]);
  });

  it('refuses a keyPrefix without a hash tag on a Cluster client, naming the option', () => {
    const message = /keyPrefix must contain a hash tag such as \{activetracker\}: on Redis Cluster/;
    expect(() => new RedisRepository(clients[0], { keyPrefix: 'activetracker:', retention: RETENTION })).toThrow(message);
    const options = { redis: clients[0], keyPrefix: 'activetracker:', retention: { ...RETENTION, types: {} } } as unknown as ResolvedActiveTrackerOptions;
    expect(() => createRepository(options)).toThrow(message);
    expect(() => createRepository({ ...options, keyPrefix: '{}:' })).toThrow(message);
    expect(createRepository({ ...options, keyPrefix: '{activetracker}:' })).toBeInstanceOf(RedisRepository);
  });
});
