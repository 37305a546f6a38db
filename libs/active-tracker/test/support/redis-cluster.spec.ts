import net from 'node:net';
import { Cluster } from 'ioredis';
import { RedisClusterHandle, clusterClient, startRedisCluster } from './redis-cluster.js';

// The test support itself: a private 3-master cluster that ioredis' Cluster client can use, and a
// one-master cluster (joined by hand, since redis-cli wants 3) started at the same time.
let cluster: RedisClusterHandle;
let solo: RedisClusterHandle;
let client: Cluster;

beforeAll(async () => {
  [cluster, solo] = await Promise.all([startRedisCluster(3), startRedisCluster(1)]);
  client = await clusterClient(cluster);
}, 30_000);

afterAll(async () => {
  await client?.quit().catch(() => undefined);
  await Promise.all([cluster?.stop(), solo?.stop()]);
});

/** Resolves true when something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

it('starts one master per requested node on distinct local ports', () => {
  expect(cluster.nodes).toHaveLength(3);
  expect(new Set(cluster.nodes.map((n) => n.port)).size).toBe(3);
  for (const node of cluster.nodes) expect(node.host).toBe('127.0.0.1');
  expect(client.nodes('master')).toHaveLength(3);
});

it('stores keys of different slots on different masters and reads them back', async () => {
  const keys = Array.from({ length: 30 }, (_, i) => `spread:${i}`);
  const slots = await Promise.all(keys.map((key) => client.cluster('KEYSLOT', key)));
  expect(new Set(slots).size).toBeGreaterThan(1);

  await Promise.all(keys.map((key, i) => client.set(key, `value ${i}`)));
  expect(await Promise.all(keys.map((key) => client.get(key)))).toEqual(keys.map((_, i) => `value ${i}`));

  // 30 keys hashed over 16384 slots split in three: every master holds some of them.
  const sizes = await Promise.all(client.nodes('master').map((node) => node.dbsize()));
  for (const size of sizes) expect(size).toBeGreaterThan(0);
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(keys.length);
});

it('runs a Lua script over two keys that share a hash tag', async () => {
  const script = `
    redis.call('SET', KEYS[1], ARGV[1])
    redis.call('SET', KEYS[2], ARGV[2])
    return tonumber(redis.call('GET', KEYS[1])) + tonumber(redis.call('GET', KEYS[2]))`;
  expect(await client.eval(script, 2, '{t}:a', '{t}:b', '4', '38')).toBe(42);
  expect(await client.mget('{t}:a', '{t}:b')).toEqual(['4', '38']);
});

it('rejects a script whose keys hash to different slots with CROSSSLOT', async () => {
  const [slotA, slotB] = await Promise.all([client.cluster('KEYSLOT', 'cross:a'), client.cluster('KEYSLOT', 'cross:b')]);
  expect(slotA).not.toBe(slotB);
  await expect(client.eval("return redis.call('GET', KEYS[1])", 2, 'cross:a', 'cross:b')).rejects.toThrow(/CROSSSLOT/);
});

it('also runs a one-master cluster; stop() kills its node and may be called twice', async () => {
  const [node] = solo.nodes;
  expect(solo.nodes).toHaveLength(1);
  const soloClient = await clusterClient(solo);
  expect(await soloClient.eval("return redis.call('SET', KEYS[1], ARGV[1])", 1, 'solo', '1')).toBe('OK');
  expect(await soloClient.get('solo')).toBe('1');
  await soloClient.quit();

  expect(await listening(node.port)).toBe(true);
  await solo.stop();
  await solo.stop();
  expect(await listening(node.port)).toBe(false);
  expect(await listening(node.port + 10_000)).toBe(false); // the cluster bus is gone too
});
