import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';

/** Debian's redis-server unless REDIS_SERVER_BIN names another (scripts/system-deps.js checks the same path). */
const REDIS_SERVER = process.env.REDIS_SERVER_BIN || '/usr/bin/redis-server';
/** util-linux `setpriv --pdeathsig KILL` makes the kernel kill the server if the test process dies. */
const SETPRIV = '/usr/bin/setpriv';
const START_TIMEOUT_MS = 10_000;

/** A private redis-server for one test file (the machine's shared Redis is never touched). */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Kills the server for good. Safe to call twice. */
  stop(): Promise<void>;
  /** Simulates an outage: SIGKILL, waits for the process to exit. Data is lost (no persistence). */
  kill(): Promise<void>;
  /** Starts a fresh server on the same port after kill() and waits until it answers PING. */
  restart(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open but nothing answers, like a hung host. */
  pause(): void;
  /** Unfreezes a paused server (SIGCONT). */
  resume(): void;
}

/** Finds a free TCP port by listening on port 0 and closing again. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One raw PING over TCP; resolves true on +PONG. No client library, so no reconnect noise. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/** Every live server of this process, killed synchronously if the process exits without stop(). */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

function spawnServer(port: number): ChildProcess {
  const args = ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'];
  const child = existsSync(SETPRIV)
    ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', REDIS_SERVER, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(REDIS_SERVER, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  installExitHook();
  return child;
}

async function waitUntilReady(child: ChildProcess, port: number): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server on port ${port} exited during startup: ${stderr.trim()}`);
    }
    if (await ping(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server on port ${port} did not answer PING within ${START_TIMEOUT_MS} ms`);
}

function killAndWait(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGCONT'); // a paused process still dies on SIGKILL, but be explicit
    child.kill('SIGKILL');
  });
}

/**
 * Starts `/usr/bin/redis-server` (or REDIS_SERVER_BIN) on a free port without persistence and waits until it answers.
 * Call `stop()` in afterAll; a crashed test process takes the server down with it.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | null = spawnServer(port);
  await waitUntilReady(child, port);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      const current = child;
      child = null;
      await killAndWait(current);
    },
    async kill() {
      await killAndWait(child);
    },
    async restart() {
      await killAndWait(child);
      child = spawnServer(port);
      await waitUntilReady(child, port);
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
  };
}
