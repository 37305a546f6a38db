/**
 * Open-loop load at a fixed rate, evenly spaced: the "half load" runs of bench/overhead.js.
 *
 * Why not autocannon's `overallRate`: autocannon rate-limits per connection per second (each
 * connection sends back-to-back until it has made its share for the current second, then waits
 * for the next second), so with 50 connections the server sees full-speed bursts followed by idle
 * time, and p99 "at half load" came out equal to p99 at full load (and worse at a quarter load).
 * Its latency histogram also has 1 ms resolution, too coarse for a 1 ms target.
 *
 * Here request k is due at start + k / rate (checked every ~1 ms, so at most a few requests leave
 * together), sent over a keep-alive pool of at most `connections` sockets whatever the responses
 * do (open loop: a slow server builds a queue instead of slowing the sender), and its latency is
 * measured with performance.now() from the moment it is issued (including any wait for a free
 * socket) to the end of the response.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** The p-th percentile (0–100) of an ascending array, nearest rank. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * @param {{ url: string, rate: number, duration: number, connections: number,
 *           requests: { method: string, path: string, headers?: Record<string, string>, body?: string }[] }} options
 *   rate in requests/s, duration in seconds; requests are sent in turn.
 * @returns {Promise<{ rps: number, p50: number, p99: number, total: number, failed: number, sent: number }>}
 *   rps completed per second, latencies in ms.
 */
export async function pacedLoad({ url, rate, duration, connections, requests }) {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const prepared = requests.map((r) => {
    const body = r.body === undefined ? undefined : Buffer.from(r.body);
    const headers = { ...(r.headers ?? {}) };
    if (body) headers['content-length'] = String(body.length);
    return { method: r.method, path: r.path, headers, body };
  });
  const latencies = [];
  let failed = 0;
  let sent = 0;
  const inflight = new Set();

  const fire = (request) => {
    const issued = performance.now();
    const done = new Promise((resolve) => {
      const req = http.request(
        { host: target.hostname, port: target.port, method: request.method, path: request.path, headers: request.headers, agent },
        (res) => {
          res.on('data', () => {});
          res.on('end', () => {
            if (res.statusCode >= 200 && res.statusCode < 300) latencies.push(performance.now() - issued);
            else failed++;
            resolve();
          });
          res.on('error', () => {
            failed++;
            resolve();
          });
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(request.body);
    });
    inflight.add(done);
    done.then(() => inflight.delete(done));
  };

  const interval = 1000 / rate;
  const start = performance.now();
  const end = start + duration * 1000;
  await new Promise((resolve) => {
    const tick = () => {
      const now = Math.min(performance.now(), end);
      while (start + sent * interval <= now) fire(prepared[sent++ % prepared.length]);
      if (now < end) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await Promise.all(inflight);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    total: latencies.length,
    failed,
    sent,
  };
}
