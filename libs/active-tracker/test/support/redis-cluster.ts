import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import { join } from 'node:path';
import { Cluster, type ClusterOptions } from 'ioredis';

const REDIS_SERVER = '/usr/bin/redis-server';
const REDIS_CLI = '/usr/bin/redis-cli';
/** util-linux `setpriv --pdeathsig KILL` makes the kernel kill the servers if the test process dies. */
const SETPRIV = '/usr/bin/setpriv';
const START_TIMEOUT_MS = 10_000;
/** `redis-cli --cluster create` sleeps about 2 s by itself (join start + consistency check). */
const CREATE_TIMEOUT_MS = 20_000;
const SLOTS = 16384;
/** The cluster bus listens on port + 10000. */
const BUS_OFFSET = 10_000;
/**
 * Client ports are drawn from [20000, 22700): their bus ports [30000, 32700) stay below Linux's
 * ephemeral range (32768+), where the kernel and freePort() (redis-server.ts) hand out ports.
 */
const PORT_MIN = 20_000;
const PORT_SPAN = 2_700;
const BIND_ATTEMPTS = 8;
/** clusterClient() gives up (and disconnects) when the client is not ready by then. */
const CONNECT_TIMEOUT_MS = 10_000;

/** A private Redis Cluster (masters only, no replicas, no persistence) for one test file. */
export interface RedisClusterHandle {
  /** host/port of every master, for `new Cluster(nodes)` (ioredis). */
  readonly nodes: Array<{ host: string; port: number }>;
  /** Kills every node and removes the temp dir (nodes-<port>.conf files). Safe to call twice. */
  stop(): Promise<void>;
}

/** Resolves true when 127.0.0.1:port can be listened on right now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port p, not in `taken`, where both p and p + 10000 (the cluster bus) are free right now. */
async function freeClusterPort(taken: ReadonlySet<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = PORT_MIN + Math.floor(Math.random() * PORT_SPAN);
    if (taken.has(port)) continue;
    if ((await canListen(port)) && (await canListen(port + BUS_OFFSET))) return port;
  }
  throw new Error(`no free port pair (p, p+${BUS_OFFSET}) found in [${PORT_MIN}, ${PORT_MIN + PORT_SPAN})`);
}

/**
 * Sends one command over raw TCP and resolves with its reply as text (simple string, error as
 * `-ERR ...`, integer or bulk string; arrays are not needed here). No client library, no reconnects.
 */
function rawCommand(port: number, args: string[], timeoutMs = 500): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let buffer = Buffer.alloc(0);
    const done = (reply: string | null): void => {
      socket.destroy();
      resolve(reply);
    };
    socket.setTimeout(timeoutMs, () => done(null));
    socket.once('error', () => done(null));
    socket.once('connect', () => {
      const encoded = args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');
      socket.write(`*${args.length}\r\n${encoded}`);
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const lineEnd = buffer.indexOf('\r\n');
      if (lineEnd < 0) return;
      const head = buffer.subarray(0, lineEnd).toString();
      if (head[0] !== '$') return done(head);
      const length = Number(head.slice(1));
      if (length < 0) return done(null);
      if (buffer.length >= lineEnd + 2 + length) done(buffer.subarray(lineEnd + 2, lineEnd + 2 + length).toString());
    });
  });
}

/** `CLUSTER INFO` of one node as a map (`cluster_state` → `ok`, ...); null when it does not answer. */
async function clusterInfo(port: number): Promise<Map<string, string> | null> {
  const reply = await rawCommand(port, ['CLUSTER', 'INFO']);
  if (reply === null || reply.startsWith('-')) return null;
  const info = new Map<string, string>();
  for (const line of reply.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) info.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return info;
}

/** Every live node of this process (all clusters), killed synchronously if the process exits without stop(). */
const running = new Set<ChildProcess>();
/** Temp dirs of clusters not stopped yet, removed on exit. */
const tempDirs = new Set<string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
}

function spawnNode(port: number, dir: string): ChildProcess {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    join(dir, `nodes-${port}.conf`),
    '--cluster-node-timeout',
    '2000',
    // Without it a node that was never MEET (a one-master cluster) reports an empty IP in CLUSTER SLOTS.
    '--cluster-announce-ip',
    '127.0.0.1',
  ];
  const child = existsSync(SETPRIV)
    ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', REDIS_SERVER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  installExitHook();
  return child;
}

function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/**
 * Waits until the node answers PING. Resolves false when the server exited because its port (or
 * bus port) was taken meanwhile, so the caller can try another port; throws on any other failure.
 */
async function waitUntilAnswering(child: ChildProcess, port: number): Promise<boolean> {
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  // Redis logs to stdout; both are read so that a full pipe never blocks the server.
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        if (/address already in use/i.test(output)) return false;
        throw new Error(`cluster node on port ${port} exited during startup: ${output.trim().slice(-2000)}`);
      }
      if ((await rawCommand(port, ['PING'])) === '+PONG') return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await killAndWait(child);
    throw new Error(`cluster node on port ${port} did not answer PING within ${START_TIMEOUT_MS} ms`);
  } finally {
    child.stdout?.off('data', collect).resume();
    child.stderr?.off('data', collect).resume();
  }
}

/** Starts one cluster-enabled node on a free port pair, retrying when another process wins the race for a port. */
async function startNode(dir: string, taken: Set<number>): Promise<{ port: number; child: ChildProcess }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freeClusterPort(taken);
    taken.add(port);
    const child = spawnNode(port, dir);
    if (await waitUntilAnswering(child, port)) return { port, child };
    if (attempt >= BIND_ATTEMPTS) throw new Error(`could not bind a cluster node after ${attempt} attempts`);
  }
}

function redisCli(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(REDIS_CLI, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      // redis-cli --cluster reports failures with [ERR] lines but may still exit 0.
      if (error || /\[ERR\]|^ERR|ERROR:/m.test(stdout)) {
        const why = error?.killed ? `timed out after ${timeoutMs} ms` : (error?.message ?? 'reported an error');
        reject(new Error(`redis-cli ${args.join(' ')}: ${why}\n${stdout}${stderr}`.trim()));
      } else {
        resolve(stdout);
      }
    });
  });
}

/**
 * Joins the nodes. From 3 masters up this is `redis-cli --cluster create` (which refuses fewer);
 * 1 or 2 masters are joined by hand (CLUSTER ADDSLOTSRANGE + CLUSTER MEET) so tests may use them too.
 */
async function joinCluster(ports: number[]): Promise<void> {
  if (ports.length >= 3) {
    const addresses = ports.map((p) => `127.0.0.1:${p}`);
    await redisCli(['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], CREATE_TIMEOUT_MS);
    return;
  }
  const share = Math.ceil(SLOTS / ports.length);
  for (const [index, port] of ports.entries()) {
    const first = index * share;
    const last = Math.min(SLOTS, first + share) - 1;
    await redisCli(['-p', String(port), 'CLUSTER', 'ADDSLOTSRANGE', String(first), String(last)], START_TIMEOUT_MS);
    if (index > 0) await redisCli(['-p', String(port), 'CLUSTER', 'MEET', '127.0.0.1', String(ports[0])], START_TIMEOUT_MS);
  }
}

/** Resolves once every node reports cluster_state:ok, all 16384 slots assigned and ok, and knows every other node. */
async function waitUntilClusterOk(ports: number[]): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    const infos = await Promise.all(ports.map(clusterInfo));
    const ready = infos.every(
      (info) =>
        info?.get('cluster_state') === 'ok' &&
        info.get('cluster_slots_assigned') === String(SLOTS) &&
        info.get('cluster_slots_ok') === String(SLOTS) &&
        info.get('cluster_known_nodes') === String(ports.length),
    );
    if (ready) return;
    last = infos
      .map(
        (info, i) =>
          `${ports[i]}: ${info ? `state=${info.get('cluster_state')} slots_ok=${info.get('cluster_slots_ok')} known=${info.get('cluster_known_nodes')}` : 'no answer'}`,
      )
      .join(', ');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Redis Cluster not ok within ${START_TIMEOUT_MS} ms (${last})`);
}

/**
 * Starts `masters` cluster-enabled `/usr/bin/redis-server`s on private ports (no persistence,
 * configs in a temp dir), joins them into one cluster without replicas and waits until every node
 * says the cluster is ok. Call `stop()` in afterAll; a crashed test process takes the nodes with it.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterHandle> {
  if (!Number.isInteger(masters) || masters < 1) throw new RangeError(`masters must be a positive integer, got ${masters}`);
  const dir = mkdtempSync(join(tmpdir(), 'active-tracker-cluster-'));
  tempDirs.add(dir);
  installExitHook();
  const children: ChildProcess[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(children.map(killAndWait));
    rmSync(dir, { recursive: true, force: true });
    tempDirs.delete(dir);
  };
  try {
    const taken = new Set<number>();
    const ports: number[] = [];
    // One after another: parallel starts would race each other for the same free ports.
    for (let i = 0; i < masters; i++) {
      const { port, child } = await startNode(dir, taken);
      children.push(child);
      ports.push(port);
    }
    await joinCluster(ports);
    await waitUntilClusterOk(ports);
    return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A connected ioredis Cluster client for the handle's nodes, tuned for tests: commands fail after
 * one retry instead of queueing forever, and a dead cluster gives up after a few attempts (the
 * promise rejects, at the latest after 10 s).
 * `options` are merged over these defaults. Close it with `quit()` or `disconnect()`.
 */
export async function clusterClient(handle: RedisClusterHandle, options: ClusterOptions = {}): Promise<Cluster> {
  const client = new Cluster(handle.nodes, {
    lazyConnect: true,
    slotsRefreshTimeout: 2000,
    clusterRetryStrategy: (times) => (times > 3 ? null : 100 * times),
    ...options,
    redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 2000, ...options.redisOptions },
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Cluster client not ready within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
  });
  // While connecting, failures arrive as the rejection; without a listener ioredis would also log them.
  const quiet = (): void => undefined;
  client.on('error', quiet);
  try {
    await Promise.race([client.connect(), timeout]);
  } catch (error) {
    client.disconnect();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  client.off('error', quiet);
  return client;
}
