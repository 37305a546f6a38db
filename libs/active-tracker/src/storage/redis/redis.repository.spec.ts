import { Cluster, Redis } from 'ioredis';
import { entryRepositoryContract } from '../../../test/entry-repository.contract.js';
import { clusterClient, RedisClusterHandle, startRedisCluster } from '../../../test/support/redis-cluster.js';
import { RedisServer, startRedisServer } from '../../../test/support/redis-server.js';
import { RedisRepository } from './redis.repository.js';

/**
 * The storage contract against a private redis-server and against a private 3-master Redis
 * Cluster. Every `make` uses a fresh prefix; the twin (a second app instance) is a second
 * repository on a second client with the same prefix.
 */
let prefixes = 0;

describe('on a single redis-server', () => {
  let server: RedisServer;
  let clients: Redis[];
  beforeAll(async () => {
    server = await startRedisServer();
    clients = [new Redis(server.url), new Redis(server.url)];
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
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
});
