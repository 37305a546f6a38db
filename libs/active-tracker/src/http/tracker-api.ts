import type { TrackerRuntime } from '../active-tracker.runtime.js';
import type { Entry } from '../entries/entry.js';
import type { ActiveTrackerPlugin } from '../plugins/plugin.js';
import type { PluginRoute } from '../plugins/plugin-route.js';
import { bucketStart, GRANULARITY_MS } from '../storage/counters.js';
import type { EntryFilter } from '../storage/entry-repository.js';
import { sse } from '../plugins/plugin-route.js';
import { ApiError } from './api-error.js';
import { batchTimeline } from './batch-timeline.js';
import {
  CountersQueryDto,
  EntriesQueryDto,
  EntryFiltersDto,
  FamiliesQueryDto,
  RangeQueryDto,
  RecordingBodyDto,
  StreamQueryDto,
  ULID_PATTERN,
} from './dto/entries-query.dto.js';
import { validateBody, validateQuery } from './dto/validate-query.js';
import { exceptionFamilyDetail, exceptionFamilyRow } from './exception-family.js';
import { buildOverview } from './overview.js';

const VERSION = '0.2.0';

/** A parsed API call: method, path segments under `api/`, query, the JSON body and the raw request. */
export interface ApiCall {
  method: string;
  segments: string[];
  query: Record<string, unknown>;
  body?: unknown;
  req?: unknown;
  /** Who is calling (see the `actor` option). */
  actor?: string | null;
}

/** Methods whose routes take a JSON body. */
export const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The REST API under `<mountpoint>/api`. It runs in the HTTP adapter's request hook, outside the
 * host's guards, pipes and interceptors, so a global ValidationPipe or a response-reshaping
 * interceptor of the host never changes it. Queries are validated with class-validator DTOs.
 */
export class TrackerApi {
  constructor(private readonly runtime: TrackerRuntime) {}

  async handle(call: ApiCall): Promise<{ status: number; body: unknown }> {
    const { method, segments } = call;
    const route = segments.join('/');
    const repo = this.runtime.repository;
    const perPage = this.runtime.options.perPage;

    if (route === 'meta') {
      this.allow(method, 'GET');
      return ok({
        data: {
          version: VERSION,
          perPage,
          plugins: this.runtime.plugins
            .filter((p) => p.nav)
            .map((p) => ({
              name: p.name,
              entryType: p.entryType,
              title: p.nav!.title,
              path: p.nav!.path,
              icon: p.nav!.icon ?? null,
              view: p.view ?? null,
              routes: (p.routes ?? []).map((r) => ({ method: r.method, path: `${p.name}/${r.path}` })),
            })),
          live: { heartbeatMs: this.runtime.options.live.heartbeatMs },
        },
      });
    }
    if (route === 'stats') {
      this.allow(method, 'GET');
      return ok({ data: await this.runtime.statistics() });
    }
    if (route === 'entries') {
      if (method === 'DELETE') {
        await this.runtime.recorder.flush();
        await repo.clear();
        this.runtime.live.resetAll('the entries were cleared');
        return { status: 200, body: { data: { cleared: true } } };
      }
      this.allow(method, 'GET', 'DELETE');
      const q = validateQuery(EntriesQueryDto, call.query, ['tag']);
      if (q.before !== undefined && q.after !== undefined) throw new ApiError(400, 'give either before or after, not both');
      const page = await repo.list({ ...filterOf(q), before: q.before, after: q.after, limit: q.limit ?? perPage });
      const mayDecrypt = await this.mayDecrypt(call);
      return ok({ data: page.data.map((e) => this.runtime.decode(e, mayDecrypt)), next: page.next });
    }
    if (route === 'stream') {
      if (method !== 'GET') throw new ApiError(405, `method ${method} not allowed; use GET`);
      const q = validateQuery(StreamQueryDto, call.query, ['tag']);
      const lastEventId = headerOf(call.req, 'last-event-id');
      if (lastEventId !== undefined && !ULID_PATTERN.test(lastEventId)) throw new ApiError(400, 'Last-Event-ID must be an entry id (ULID)');
      const mayDecrypt = await this.mayDecrypt(call);
      // The browser's reconnect (Last-Event-ID) wins over the first connection's `after`.
      const connection = this.runtime.live.open(filterOf(q), (e) => this.runtime.decode(e, mayDecrypt), lastEventId ?? q.after);
      return ok(sse(connection, { heartbeatMs: this.runtime.options.live.heartbeatMs }));
    }
    if (route === 'recording') {
      this.allow(method, 'GET', 'POST');
      if (method === 'POST') {
        const body = validateBody(RecordingBodyDto, call.body);
        return ok({ data: await this.runtime.recording.set(body.recording, call.actor ?? null) });
      }
      if (Object.keys(call.query).length > 0) throw new ApiError(400, 'recording takes no query parameters');
      return ok({ data: await this.runtime.recording.status() });
    }
    if (route === 'overview') {
      this.allow(method, 'GET');
      const q = validateQuery(RangeQueryDto, call.query);
      return ok({ data: await buildOverview(repo, this.runtime.plugins, q.range ?? 'hour') });
    }
    if (segments.length === 2 && segments[0] === 'entries') {
      this.allow(method, 'GET');
      const id = this.entryId(segments[1]);
      const entry = await repo.find(id);
      if (!entry) throw new ApiError(404, `entry ${id} not found`);
      const batch = entry.batchId ? await repo.batch(entry.batchId) : [entry];
      const mayDecrypt = await this.mayDecrypt(call);
      return ok({ data: this.runtime.decode(entry, mayDecrypt), batch: batch.map((e) => this.runtime.decode(e, mayDecrypt)), ...batchTimeline(batch) });
    }
    if (segments.length === 3 && segments[0] === 'entries' && segments[2] === 'audit') {
      this.allow(method, 'GET');
      const id = this.entryId(segments[1]);
      if (!(await repo.find(id))) throw new ApiError(404, `entry ${id} not found`);
      return ok({ data: await repo.audit(id) });
    }
    if (segments.length === 3 && segments[0] === 'exceptions' && segments[1] === 'families') {
      this.allow(method, 'GET');
      const hash = segments[2];
      if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(hash)) throw new ApiError(400, 'hash must be a family hash');
      const q = validateQuery(RangeQueryDto, call.query);
      const mayDecrypt = await this.mayDecrypt(call);
      const detail = await exceptionFamilyDetail(repo, hash, q.range ?? 'day', (e) => this.runtime.decode(e, mayDecrypt));
      if (!detail) throw new ApiError(404, `exception family ${hash} not found`);
      return ok({ data: detail });
    }
    if (route === 'families' || route === 'exceptions/families') {
      this.allow(method, 'GET');
      const q = validateQuery(FamiliesQueryDto, call.query);
      const type = route === 'families' ? q.type : 'exception';
      if (!type) throw new ApiError(400, 'type is required (e.g. type=exception)');
      const page = await repo.families({ type, limit: q.limit ?? perPage, before: q.before, orderBy: q.orderBy });
      return ok({ data: page.data.map((f) => (type === 'exception' ? exceptionFamilyRow(f) : f)), next: page.next });
    }
    if (route === 'counters') {
      this.allow(method, 'GET');
      const q = validateQuery(CountersQueryDto, call.query);
      const granularity = q.granularity ?? 'minute';
      const now = Date.now();
      const to = q.to === undefined ? now : parseTime(q.to, 'to');
      const from = q.from === undefined ? to - 60 * GRANULARITY_MS[granularity] : parseTime(q.from, 'from');
      if (from > to) throw new ApiError(400, 'from must not be after to');
      if ((bucketStart(to, granularity) - bucketStart(from, granularity)) / GRANULARITY_MS[granularity] >= 1500) {
        throw new ApiError(400, `at most 1500 ${granularity} buckets per call: narrow from/to or use a coarser granularity`);
      }
      return ok({ data: await repo.counters({ name: q.name, granularity, from, to }) });
    }
    const contributed = this.pluginRoute(method, segments);
    if (contributed) return this.runPluginRoute(contributed.plugin, contributed.route, contributed.params, call);
    throw new ApiError(404, `no API route ${method} ${route || '/'}`);
  }

  /** The contributed route `<plugin>/<path>` matching the call, with its `:name` params. */
  private pluginRoute(method: string, segments: string[]): { plugin: ActiveTrackerPlugin; route: PluginRoute; params: Record<string, string> } | null {
    const plugin = this.runtime.plugins.find((p) => p.name === segments[0] && p.routes && p.routes.length > 0);
    if (!plugin) return null;
    const rest = segments.slice(1);
    let pathMatched = false;
    for (const route of plugin.routes!) {
      const parts = route.path.split('/');
      if (parts.length !== rest.length) continue;
      const params: Record<string, string> = {};
      if (!parts.every((part, i) => (part.startsWith(':') ? ((params[part.slice(1)] = rest[i]), true) : part === rest[i]))) continue;
      pathMatched = true;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { plugin, route, params };
    }
    if (pathMatched) throw new ApiError(405, `method ${method} not allowed on ${segments.join('/')}`);
    return null;
  }

  private async runPluginRoute(
    plugin: ActiveTrackerPlugin,
    route: PluginRoute,
    params: Record<string, string>,
    call: ApiCall,
  ): Promise<{ status: number; body: unknown }> {
    const query = route.query ? validateQuery(route.query, call.query) : call.query;
    const body = route.body ? validateBody(route.body, call.body) : call.body;
    const mayDecrypt = await this.mayDecrypt(call);
    const actor = call.actor ?? null;
    const result = await route.handle({
      params,
      query,
      body,
      req: call.req as never,
      entries: this.runtime.repository,
      actor,
      decode: (entry: Entry) => this.runtime.decode(entry, mayDecrypt),
      update: (id, patch, options) => this.runtime.update(id, patch, { ...options, actor: options.actor ?? actor }, plugin.entryType),
      clearEntries: (counters) => this.runtime.repository.clearType(plugin.entryType, counters),
    });
    if (result instanceof ApiError) throw result;
    return { status: 200, body: result === undefined ? { data: null } : result };
  }

  private entryId(raw: string): string {
    if (!ULID_PATTERN.test(raw)) throw new ApiError(400, 'id must be an entry id (ULID)');
    return raw;
  }

  /** Whether this reader may see encrypted fields in clear (`encryption.canDecrypt`, default yes). */
  private async mayDecrypt(call: ApiCall): Promise<boolean> {
    const canDecrypt = this.runtime.options.encryption?.canDecrypt;
    if (!this.runtime.codec || !canDecrypt) return true;
    try {
      return (await canDecrypt(call.req)) === true;
    } catch {
      return false;
    }
  }

  private allow(method: string, ...methods: string[]): void {
    if (method === 'HEAD' && methods.includes('GET')) return;
    if (!methods.includes(method)) throw new ApiError(405, `method ${method} not allowed; use ${methods.join(' or ')}`);
  }
}

/** The filters of a validated `GET entries` / `GET stream` query. */
function filterOf(q: EntryFiltersDto): EntryFilter {
  return {
    type: q.type,
    tags: q.tag?.map((tag) => {
      const i = tag.indexOf(':');
      return { key: tag.slice(0, i), value: tag.slice(i + 1) };
    }),
    family: q.family,
    batch: q.batch,
    q: q.q,
    method: q.method,
    path: q.path,
    status: q.status,
    minDurationMs: q.minDurationMs,
    level: q.level,
  };
}

/** One request header as a string (the first when repeated), or undefined. */
function headerOf(req: unknown, name: string): string | undefined {
  const value = (req as { headers?: Record<string, string | string[] | undefined> } | undefined)?.headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseTime(value: string, name: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new ApiError(400, `${name} is not a valid time`);
  return ms;
}

function ok(body: unknown): { status: number; body: unknown } {
  return { status: 200, body };
}
