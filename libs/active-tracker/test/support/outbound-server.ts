import http from 'node:http';
import net from 'node:net';

/** What the outbound server saw: lets tests prove the host's calls reached it unchanged. */
export interface ReceivedCall {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bodyBytes: number;
}

/** A real HTTP server on 127.0.0.1:<random port>, the "third-party API" of outbound HTTP tests. */
export interface OutboundServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `127.0.0.1:<port>` */
  readonly host: string;
  readonly received: ReceivedCall[];
  stop(): Promise<void>;
}

/**
 * Routes (query `ms` delays the answer):
 * - `/ok`            200 "hello" with content-length 5
 * - `/chunked`       200 "abc" + (after ms) "defg", chunked (no content-length)
 * - `/slow`          200 "slow" after ms
 * - `/status/<code>` that status, body "status <code>"
 * - `/redirect`      302 to /ok
 * - `/hang`          never answers
 * - `/echo`          200 JSON { bytes, method } after reading the request body
 */
export async function startOutboundServer(): Promise<OutboundServer> {
  const received: ReceivedCall[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const ms = Number(url.searchParams.get('ms') ?? 0);
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
    req.on('end', () => {
      received.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, bodyBytes });
      const path = url.pathname;
      if (path === '/hang') return;
      setTimeout(
        () => {
          if (path === '/ok') {
            res.setHeader('content-length', '5');
            res.end('hello');
          } else if (path === '/chunked') {
            res.write('abc');
            setTimeout(() => res.end('defg'), ms);
          } else if (path === '/slow') {
            res.setHeader('content-length', '4');
            res.end('slow');
          } else if (path.startsWith('/status/')) {
            res.statusCode = Number(path.slice('/status/'.length)) || 500;
            res.end(`status ${res.statusCode}`);
          } else if (path === '/redirect') {
            res.statusCode = 302;
            res.setHeader('location', '/ok');
            res.end();
          } else if (path === '/echo') {
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify({ bytes: bodyBytes, method: req.method }));
          } else {
            res.statusCode = 404;
            res.end('no route');
          }
        },
        path === '/chunked' ? 0 : ms,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A local port nothing listens on (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
