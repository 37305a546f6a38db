import type { Cluster, Redis } from 'ioredis';

/** An ioredis client, single-server or Cluster (anything shaped like one: a pipeline and a connection status). */
export function isRedisClient(value: unknown): value is Redis | Cluster {
  return !!value && typeof value === 'object' && typeof (value as Redis).pipeline === 'function' && typeof (value as Redis).status === 'string';
}
