import { Inject, Injectable, NestMiddleware, OnModuleDestroy } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ACTIVE_TRACKER_RUNTIME } from '../active-tracker.constants.js';
import type { TrackerRuntime } from '../active-tracker.runtime.js';
import { currentContext, runInContext, TrackerContext } from '../context/request-context.js';
import { NEST_EXCEPTION_EVENT } from '../plugins/exceptions/exceptions.plugin.js';
import type { RequestsPlugin } from '../plugins/requests/requests.plugin.js';
import { decideAccess } from './access-control.js';
import { ApiError } from './api-error.js';
import { DashboardAssets } from './dashboard-assets.js';
import { TrackerApi } from './tracker-api.js';

type Req = IncomingMessage & Record<string, any>;

/**
 * The tracker's one middleware, applied to every route. Requests under the mount path are served
 * here (dashboard + API, never captured, outside the host's guards/pipes/interceptors); every other
 * request gets its AsyncLocalStorage context and, unless filtered, is captured.
 */
@Injectable()
export class ActiveTrackerMiddleware implements NestMiddleware, OnModuleDestroy {
  private readonly api: TrackerApi;
  private readonly assets: DashboardAssets;
  private readonly production = process.env.NODE_ENV === 'production';
  private mountPath: string | null = null;
  private readonly unsubscribe: () => void;
  /** Looked up once: the plugin list is fixed at boot. */
  private readonly requests: RequestsPlugin | undefined;

  constructor(
    @Inject(ACTIVE_TRACKER_RUNTIME) private readonly runtime: TrackerRuntime,
    private readonly appConfig: ApplicationConfig,
  ) {
    this.api = new TrackerApi(runtime);
    this.assets = new DashboardAssets();
    this.requests = runtime.plugin<RequestsPlugin>('requests');
    // Requests that fail before any middleware runs (body-parser errors) reach the exception
    // layer without a context: capture them there so they are not missing from the list.
    const sub = runtime.bus.subscribe(NEST_EXCEPTION_EVENT, (event) => {
      const { request, response } = event.payload as { request?: Req; response?: ServerResponse };
      if (!request || !response || currentContext() || request.__activeTrackerCaptured) return;
      const path = pathOf(request);
      if (this.isOwnPath(path)) return;
      this.startCapture(request, response, new TrackerContext(runtime.id), path);
    });
    this.unsubscribe = () => runtime.bus.unsubscribe(sub);
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  use(req: Req, res: ServerResponse, next: (error?: unknown) => void): void {
    if (!this.runtime.options.enabled) return next();
    const path = pathOf(req);
    if (this.isOwnPath(path)) {
      // serve() answers every failure itself; this only guards against a failure while answering.
      this.serve(req, res, path).catch(() => {
        if (!res.headersSent) res.statusCode = 503;
        res.end();
      });
      return;
    }
    const ctx = new TrackerContext(this.runtime.id);
    this.startCapture(req, res, ctx, path);
    runInContext(ctx, () => next());
  }

  private startCapture(req: Req, res: ServerResponse, ctx: TrackerContext, path: string): void {
    try {
      const requests = this.requests;
      if (requests && !requests.isFiltered(path)) requests.capture(req, res, ctx);
    } catch {
      /* capture never harms the host */
    }
  }

  /** `/<global prefix>/<mountpoint>`, computed once the app is configured. */
  private getMountPath(): string {
    if (this.mountPath === null) {
      const prefix = (this.appConfig.getGlobalPrefix() ?? '').replace(/^\/+|\/+$/g, '');
      this.mountPath = '/' + [prefix, this.runtime.options.mountpoint].filter(Boolean).join('/');
    }
    return this.mountPath;
  }

  private isOwnPath(path: string): boolean {
    const mount = this.getMountPath();
    return path === mount || path.startsWith(mount + '/');
  }

  private async serve(req: Req, res: ServerResponse, path: string): Promise<void> {
    try {
      const access = await decideAccess(req, this.runtime.options, this.production);
      if (access === 'hide') return sendJson(res, 404, { statusCode: 404, message: `Cannot ${req.method} ${pathOf(req)}`, error: 'Not Found' });
      if (access === 'challenge') {
        res.setHeader('WWW-Authenticate', 'Basic realm="ActiveTracker", charset="UTF-8"');
        return sendJson(res, 401, { statusCode: 401, message: 'Authentication required', error: 'Unauthorized' });
      }
      const mount = this.getMountPath();
      const rest = decodeSafe(path.slice(mount.length).replace(/^\/+/, ''));
      if (rest === 'api' || rest.startsWith('api/')) {
        const segments = rest.split('/').slice(1).filter(Boolean);
        const result = await this.api.handle({ method: req.method ?? 'GET', segments, query: queryOf(req) });
        return sendJson(res, result.status, result.body);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return sendJson(res, 405, { statusCode: 405, message: `method ${req.method} not allowed`, error: 'Method Not Allowed' });
      }
      if (path === mount) {
        // Relative asset URLs need the trailing slash.
        res.statusCode = 302;
        res.setHeader('Location', mount + '/' + (req.originalUrl?.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : ''));
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
      res.statusCode = this.assets.built ? 200 : 503;
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Cache-Control', 'no-cache');
      res.end(req.method === 'HEAD' ? undefined : this.assets.index(mount + '/'));
    } catch (error) {
      if (error instanceof ApiError) {
        const error_ = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 405: 'Method Not Allowed' }[error.status] ?? 'Error';
        return sendJson(res, error.status, { statusCode: error.status, message: error.messages, error: error_ });
      }
      this.runtime.logger.warn(`API ${req.method} ${path} failed: ${(error as Error)?.message ?? error}`);
      sendJson(res, 503, { statusCode: 503, message: 'ActiveTracker storage is unavailable, try again shortly', error: 'Service Unavailable' });
    }
  }
}

function pathOf(req: Req): string {
  const url: string = req.originalUrl ?? req.url ?? '/';
  const i = url.indexOf('?');
  return i < 0 ? url : url.slice(0, i);
}

function queryOf(req: Req): Record<string, unknown> {
  const url: string = req.originalUrl ?? req.url ?? '/';
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
