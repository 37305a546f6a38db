import { Redis, type RedisOptions } from 'ioredis';
import type { ResolvedActiveTrackerOptions } from '../active-tracker.options.js';
import type { EntryRepository } from './entry-repository.js';
import { MemoryRepository } from './memory/memory.repository.js';
import { RedisRepository } from './redis/redis.repository.js';
import { isRedisClient } from './redis/is-redis-client.js';
import { assertClusterPrefix } from './redis/redis.keys.js';

/**
 * Clients the tracker creates itself never queue commands while disconnected (ioredis' offline
 * queue is unbounded): the recorder keeps its own bounded buffer and retries when Redis is back.
 */
const TRACKER_CLIENT_DEFAULTS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2000,
  // A hung server must not hold commands forever.
  commandTimeout: 5000,
  retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
  lazyConnect: false,
};

/**
 * Memory store when no Redis is configured; otherwise a RedisRepository on a new or given client.
 * A given ioredis Cluster needs a hash-tagged keyPrefix (every script touches keys of one slot):
 * a prefix without one is a configuration error, reported here rather than as CROSSSLOT later.
 */
export function createRepository(options: ResolvedActiveTrackerOptions): EntryRepository {
  const { redis, keyPrefix, retention } = options;
  if (redis === undefined) return new MemoryRepository(retention);
  if (isRedisClient(redis)) {
    assertClusterPrefix(redis, keyPrefix);
    return new RedisRepository(redis, { keyPrefix, retention, ownsClient: false });
  }
  const client =
    typeof redis === 'string'
      ? new Redis(redis, { ...TRACKER_CLIENT_DEFAULTS, connectionName: 'activetracker' })
      : new Redis({ ...TRACKER_CLIENT_DEFAULTS, connectionName: 'activetracker', ...redis });
  // Connection errors are reported by the recorder (once per outage), not by ioredis' default handler.
  client.on('error', () => undefined);
  return new RedisRepository(client, { keyPrefix, retention, ownsClient: true });
}
