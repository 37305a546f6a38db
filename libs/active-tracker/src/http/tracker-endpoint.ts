import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TrackerRuntime } from '../active-tracker.runtime.js';
import { decideAccess } from './access-control.js';
import { StreamResponse } from '../plugins/plugin-route.js';
import { ApiError } from './api-error.js';
import { DashboardAssets } from './dashboard-assets.js';
import { newNonce, setSecurityHeaders } from './security-headers.js';
import { BODY_METHODS, TrackerApi } from './tracker-api.js';

/** Largest JSON body the API reads. */
const MAX_BODY_BYTES = 1024 * 1024;

type Req = IncomingMessage & Record<string, any>;

const ERROR_NAMES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
};

/**
 * The dashboard and REST API under `/<global prefix>/<mountpoint>`, answered from the HTTP
 * adapter's request hook: outside the host's middleware, guards, pipes and interceptors, never
 * captured, and never a 500 (storage failures answer 503).
 */
export class TrackerEndpoint {
  private readonly api: TrackerApi;
  private readonly assets = new DashboardAssets();
  private readonly production = process.env.NODE_ENV === 'production';

  constructor(
    private readonly runtime: TrackerRuntime,
    /** `/<global prefix>/<mountpoint>` (read once the app is configured). */
    private readonly mountPath: () => string,
  ) {
    this.api = new TrackerApi(runtime);
  }

  /** True when `path` (without query) is the dashboard or the API. */
  owns(path: string): boolean {
    const mount = this.mountPath();
    return path === mount || (path.startsWith(mount) && path.charCodeAt(mount.length) === 47); /* '/' */
  }

  /** Answers a request for the dashboard or the API. Never rejects. */
  async serve(req: Req, res: ServerResponse, path: string): Promise<void> {
    try {
      await this.answer(req, res, path);
    } catch {
      // answer() handles every failure itself; this only guards against one while answering.
      if (!res.headersSent) res.statusCode = 503;
      res.end();
    }
  }

  /** Who is calling: the `actor` option, else the HTTP Basic user name when `authentication` is set. */
  private async actorOf(req: Req): Promise<string | null> {
    const { actor, authentication } = this.runtime.options;
    if (actor) {
      try {
        const who = await actor(req);
        return typeof who === 'string' && who ? who : null;
      } catch {
        return null;
      }
    }
    return authentication ? authentication.user : null;
  }

  private async answer(req: Req, res: ServerResponse, path: string): Promise<void> {
    try {
      const access = await decideAccess(req, this.runtime.options, this.production);
      // Hidden: answered like the host's own 404, so no header gives the tracker away.
      if (access === 'hide') return sendJson(res, 404, { statusCode: 404, message: `Cannot ${req.method} ${path}`, error: 'Not Found' });
      // Every other answer of the tracker (pages, assets, API, streams, errors) carries them.
      setSecurityHeaders(res);
      if (access === 'challenge') {
        res.setHeader('WWW-Authenticate', 'Basic realm="ActiveTracker", charset="UTF-8"');
        return sendJson(res, 401, { statusCode: 401, message: 'Authentication required', error: 'Unauthorized' });
      }
      const mount = this.mountPath();
      const rest = decodeSafe(path.slice(mount.length).replace(/^\/+/, ''));
      if (rest === 'api' || rest.startsWith('api/')) {
        const method = req.method ?? 'GET';
        const segments = rest.split('/').slice(1).filter(Boolean);
        const body = BODY_METHODS.has(method) ? await readJsonBody(req) : undefined;
        const actor = await this.actorOf(req);
        const result = await this.api.handle({ method, segments, query: queryOf(req), body, req, actor });
        if (result.body instanceof StreamResponse) return await sendStream(res, result.body);
        return sendJson(res, result.status, result.body);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return sendJson(res, 405, { statusCode: 405, message: `method ${req.method} not allowed`, error: 'Method Not Allowed' });
      }
      if (path === mount) {
        // Relative asset URLs need the trailing slash.
        const url: string = req.url ?? '';
        res.statusCode = 302;
        res.setHeader('Location', mount + '/' + (url.includes('?') ? url.slice(url.indexOf('?')) : ''));
        return void res.end();
      }
      const asset = this.assets.file(rest);
      if (asset) {
        res.statusCode = 200;
        res.setHeader('Content-Type', asset.type);
        res.setHeader('Cache-Control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        return void res.end(req.method === 'HEAD' ? undefined : asset.body);
      }
      if (/\.[a-z0-9]{1,8}$/i.test(rest)) {
        return sendJson(res, 404, { statusCode: 404, message: `no dashboard file ${rest}`, error: 'Not Found' });
      }
      // Any other path is a dashboard deep link: the SPA routes it.
      // A nonce per page for the component styles Angular inserts (see security-headers.ts).
      const nonce = newNonce();
      setSecurityHeaders(res, nonce);
      res.statusCode = this.assets.built ? 200 : 503;
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Cache-Control', 'no-cache');
      res.end(req.method === 'HEAD' ? undefined : this.assets.index(mount + '/', nonce));
    } catch (error) {
      if (error instanceof ApiError) {
        return sendJson(res, error.status, { statusCode: error.status, message: error.messages, error: ERROR_NAMES[error.status] ?? 'Error' });
      }
      this.runtime.logger.warn(`API ${req.method} ${path} failed: ${(error as Error)?.message ?? error}`);
      sendJson(res, 503, { statusCode: 503, message: 'ActiveTracker storage is unavailable, try again shortly', error: 'Service Unavailable' });
    }
  }
}

/** The path of a request URL, without its query string. */
export function pathOf(req: { url?: string; originalUrl?: string }): string {
  const url: string = req.originalUrl ?? req.url ?? '/';
  const i = url.indexOf('?');
  return i < 0 ? url : url.slice(0, i);
}

function queryOf(req: Req): Record<string, unknown> {
  const url: string = req.url ?? '/';
  const i = url.indexOf('?');
  const out: Record<string, unknown> = {};
  if (i < 0) return out;
  for (const [key, value] of new URLSearchParams(url.slice(i + 1))) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  const json = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}

/** Reads a JSON body (at most 1 MB); 415 for another content type, 400 when it does not parse. */
async function readJsonBody(req: Req): Promise<unknown> {
  const length = Number(req.headers['content-length'] ?? 0);
  if (length === 0 && req.headers['transfer-encoding'] === undefined) return undefined;
  if (!/^application\/(.+\+)?json\b/i.test(String(req.headers['content-type'] ?? ''))) {
    throw new ApiError(415, 'send the body as application/json');
  }
  if (length > MAX_BODY_BYTES) throw new ApiError(413, `the body must be at most ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, `the body must be at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError(400, 'the body is not valid JSON');
  }
}

/** Writes a streamed answer with backpressure; stops reading the source when the client leaves. */
async function sendStream(res: ServerResponse, stream: StreamResponse): Promise<void> {
  res.statusCode = 200;
  res.setHeader('Content-Type', stream.contentType);
  for (const [name, value] of Object.entries(stream.headers)) res.setHeader(name, value);
  res.flushHeaders();
  const iterator = stream.chunks[Symbol.asyncIterator]();
  let closed = false;
  const onClose = () => {
    closed = true;
    stream.onClose?.();
    void iterator.return?.();
  };
  res.once('close', onClose);
  try {
    while (!closed) {
      const next = await iterator.next();
      if (next.done || closed) break;
      if (!res.write(next.value)) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
    }
  } finally {
    res.off('close', onClose);
    if (!res.writableEnded) res.end();
  }
}
