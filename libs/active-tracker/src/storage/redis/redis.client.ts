import type { Cluster, Redis } from 'ioredis';

/** An ioredis client: a single server, or a Cluster (every key then shares the prefix's hash tag). */
export type RedisClient = Redis | Cluster;

export function isCluster(client: unknown): client is Cluster {
  return !!client && typeof client === 'object' && (client as { isCluster?: unknown }).isCluster === true;
}

/** The `keyPrefix` option of the ioredis client itself: ioredis adds it to every key it sends, but not to keys a script builds. */
export function clientKeyPrefix(client: RedisClient): string {
  const options = (client as { options?: { keyPrefix?: unknown } }).options;
  return typeof options?.keyPrefix === 'string' ? options.keyPrefix : '';
}

/** Pipeline results without their error slots; throws the first error. */
export function throwFirstError(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new Error('Redis pipeline was aborted');
  for (const [error] of results) if (error) throw error;
  return results.map(([, value]) => value);
}
