import type { TrackerRuntime } from '../active-tracker.runtime.js';
import { ApiError } from './api-error.js';
import { EntriesQueryDto, FamiliesQueryDto, ULID_PATTERN } from './dto/entries-query.dto.js';
import { validateQuery } from './dto/validate-query.js';

const VERSION = '0.1.0';

/** A parsed API call: method, path segments under `api/`, query. */
export interface ApiCall {
  method: string;
  segments: string[];
  query: Record<string, unknown>;
}

/**
 * The REST API under `<mountpoint>/api`. It runs inside the tracker's middleware, outside the host's
 * guards, pipes and interceptors, so a global ValidationPipe or a response-reshaping interceptor of
 * the host never changes it. Queries are validated with class-validator DTOs.
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
            .map((p) => ({ name: p.name, entryType: p.entryType, title: p.nav!.title, path: p.nav!.path })),
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
        return { status: 200, body: { data: { cleared: true } } };
      }
      this.allow(method, 'GET', 'DELETE');
      const q = validateQuery(EntriesQueryDto, call.query);
      let tag: { key: string; value: string } | undefined;
      if (q.tag !== undefined) {
        const i = q.tag.indexOf(':');
        tag = { key: q.tag.slice(0, i), value: q.tag.slice(i + 1) };
      }
      const page = await repo.list({
        type: q.type,
        tag,
        family: q.family,
        batch: q.batch,
        q: q.q,
        before: q.before,
        limit: q.limit ?? perPage,
      });
      return ok(page);
    }
    if (segments.length === 2 && segments[0] === 'entries') {
      this.allow(method, 'GET');
      const id = segments[1];
      if (!ULID_PATTERN.test(id)) throw new ApiError(400, 'id must be an entry id (ULID)');
      const entry = await repo.find(id);
      if (!entry) throw new ApiError(404, `entry ${id} not found`);
      const batch = entry.batchId ? await repo.batch(entry.batchId) : [entry];
      return ok({ data: entry, batch });
    }
    if (route === 'exceptions/families') {
      this.allow(method, 'GET');
      const q = validateQuery(FamiliesQueryDto, call.query);
      const page = await repo.families({ type: 'exception', limit: q.limit ?? perPage, before: q.before });
      return ok({
        data: page.data.map((f) => ({
          familyHash: f.familyHash,
          class: f.summary.class ?? null,
          message: f.summary.message ?? null,
          location: f.summary.locationLabel ?? null,
          count: f.count,
          firstSeen: f.firstSeen,
          lastSeen: f.lastSeen,
          lastEntryId: f.lastEntryId,
        })),
        next: page.next,
      });
    }
    throw new ApiError(404, `no API route ${method} ${route || '/'}`);
  }

  private allow(method: string, ...methods: string[]): void {
    if (method === 'HEAD' && methods.includes('GET')) return;
    if (!methods.includes(method)) throw new ApiError(405, `method ${method} not allowed; use ${methods.join(' or ')}`);
  }
}

function ok(body: unknown): { status: number; body: unknown } {
  return { status: 200, body };
}
