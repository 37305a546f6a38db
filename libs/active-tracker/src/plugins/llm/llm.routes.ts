import type { IncomingMessage } from 'node:http';
import {
  ApiError,
  EntryNotFoundError,
  hostOf,
  StreamResponse,
  ULID_PATTERN,
  VersionConflictError,
  type AuditRecord,
  type Entry,
  type EntryPatch,
  type PluginRoute,
  type PluginRouteContext,
} from '../../plugin-api.js';
import { LLM_COUNTERS, LLM_ENTRY_TYPE, toInteraction } from './llm-interaction.builder.js';
import type { LlmPricingRule } from './llm-pricing.js';
import type { SharedPricingRules } from './llm-pricing.shared.js';
import { pricingRuleProblems } from './llm-pricing.js';
import {
  LlmBulkReviewDto,
  LlmExportQueryDto,
  LlmKpiQueryDto,
  LlmListQueryDto,
  LlmPricingRuleDto,
  LlmPricingRuleIdDto,
  LlmRecordDto,
  LlmReviewDto,
  LlmRollupQueryDto,
} from './llm.dto.js';
import { exportChunks } from './llm.export.js';
import { filterQuery, kpisFromCounters, kpisFromEntries, listInteractions, parseTime, rollups, scanInteractions, type LlmFilters } from './llm.queries.js';
import type { LlmAction, LlmEntryContent, LlmInteractionInput, LlmRecordResult, LlmReviewState, SessionNode } from './llm.types.js';

export type { SessionNode } from './llm.types.js';

/** What the routes need of the plugin. */
export interface LlmRouteOwner {
  /** Throws a 403 ApiError unless `authorize(user, action, resource, req)` allows it. */
  authorizeCall(actor: string | null, action: LlmAction, resource: Record<string, unknown>, req: IncomingMessage): Promise<void>;
  record(input: LlmInteractionInput): Promise<LlmRecordResult>;
  readonly pricingRules: SharedPricingRules;
  /** True when review comments are stored encrypted (then they are kept out of the audit's clear `comment`). */
  commentsEncrypted(): boolean;
  readonly reviewEnabled: boolean;
  readonly exportEnabled: boolean;
}

type Ctx<Q = any, B = any> = PluginRouteContext<Q, B>;

/** A browser write whose Origin is not this host is refused (a page elsewhere must not review or record). */
function sameOrigin(req: IncomingMessage): void {
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site') throw new ApiError(403, 'cross-site writes are refused');
  if (!origin || origin === 'null') return;
  const host = String(req.headers['x-forwarded-host'] ?? req.headers.host ?? '');
  if (hostOf(origin).toLowerCase() !== host.split(',')[0].trim().toLowerCase())
    throw new ApiError(403, `writes from origin ${origin} are refused: it does not match the host`);
}

function interactionId(raw: string): string {
  if (!ULID_PATTERN.test(raw)) throw new ApiError(400, 'id must be an interaction id (ULID)');
  return raw;
}

async function findInteraction(ctx: Ctx, id: string): Promise<Entry> {
  const entry = await ctx.entries.find(interactionId(id));
  if (!entry || entry.type !== LLM_ENTRY_TYPE) throw new ApiError(404, `interaction ${id} not found`);
  return entry;
}

/** Audit records with their encrypted values decrypted for this reader (as the entry is). */
function decodeAudit(ctx: Ctx, entry: Entry, records: AuditRecord[]): AuditRecord[] {
  const decodePatch = (patch: EntryPatch): EntryPatch =>
    patch.content ? { ...patch, content: ctx.decode({ ...entry, content: patch.content }).content } : patch;
  return records.map((r) => ({ ...r, from: decodePatch(r.from), to: decodePatch(r.to) }));
}

/** Applies one review; 404 / 409 as ApiErrors. Audited by the store (actor, time, from → to). */
async function review(owner: LlmRouteOwner, ctx: Ctx, id: string, state: LlmReviewState, comment: string | null, expectedVersion?: number): Promise<Entry> {
  const entry = await findInteraction(ctx, id);
  const patch: EntryPatch = {
    content: { reviewState: state, reviewComment: comment, reviewedBy: ctx.actor, reviewedAt: new Date().toISOString() },
    tags: { review: state },
  };
  try {
    return await ctx.update(entry.id, patch, { expectedVersion: expectedVersion ?? entry.version, comment: owner.commentsEncrypted() ? null : comment });
  } catch (error) {
    if (error instanceof VersionConflictError) throw new ApiError(409, error.message);
    if (error instanceof EntryNotFoundError) throw new ApiError(404, `interaction ${id} not found`);
    throw error;
  }
}

function range(q: { from?: string; to?: string }, defaultDays: number): { from: number; to: number } {
  const to = q.to !== undefined ? parseTime(q.to, 'to') : Date.now();
  const from = q.from !== undefined ? parseTime(q.from, 'from') : to - defaultDays * 86_400_000;
  if (from > to) throw new ApiError(400, 'from must not be after to');
  return { from, to };
}

/** Interactions (oldest first) as trees through `parentId`; one whose parent is not in the list is a root. */
export function sessionTree(items: Array<Omit<SessionNode, 'children'>>): SessionNode[] {
  const nodes = new Map(items.map((i) => [i.id, { ...i, children: [] as SessionNode[] }]));
  const roots: SessionNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** The routes under `/<mountpoint>/api/llm/`. */
export function llmRoutes(owner: LlmRouteOwner): PluginRoute[] {
  const routes: PluginRoute[] = [
    {
      method: 'GET',
      path: 'interactions',
      query: LlmListQueryDto,
      async handle(ctx: Ctx<LlmListQueryDto>) {
        await owner.authorizeCall(ctx.actor, 'read', { type: 'interactions' }, ctx.req);
        const { limit, before, ...filters } = ctx.query;
        const page = await listInteractions(ctx.entries, filters, limit ?? 50, before);
        return { data: page.data.map((e) => toInteraction(ctx.decode(e))), next: page.next };
      },
    },
    {
      method: 'POST',
      path: 'interactions',
      body: LlmRecordDto,
      async handle(ctx: Ctx<unknown, LlmRecordDto>) {
        sameOrigin(ctx.req);
        await owner.authorizeCall(ctx.actor, 'record', { type: 'interactions' }, ctx.req);
        const result = await owner.record({ ...(ctx.body as unknown as LlmInteractionInput), source: 'api' });
        if (!result.success) throw new ApiError(400, result.error?.message ?? 'the interaction could not be recorded');
        return { data: result.interaction };
      },
    },
    {
      method: 'DELETE',
      path: 'interactions',
      async handle(ctx: Ctx) {
        sameOrigin(ctx.req);
        await owner.authorizeCall(ctx.actor, 'clear', { type: 'interactions' }, ctx.req);
        // The interactions, their audit trails and families, and the rollups' counters; nothing else.
        const deleted = await ctx.clearEntries(Object.values(LLM_COUNTERS));
        return { data: { deleted } };
      },
    },
    {
      method: 'GET',
      path: 'interactions/:id',
      async handle(ctx: Ctx) {
        await owner.authorizeCall(ctx.actor, 'read', { type: 'interaction', id: ctx.params.id }, ctx.req);
        const entry = await findInteraction(ctx, ctx.params.id);
        const content = entry.content as unknown as LlmEntryContent;
        const summary = (e: Entry) => {
          const c = e.content as unknown as LlmEntryContent;
          return { id: e.id, occurredAt: e.occurredAt, label: c.label, provider: c.provider, model: c.model, status: c.status, parentId: c.parentId };
        };
        const [audit, parent, children, session] = await Promise.all([
          ctx.entries.audit(entry.id),
          content.parentId && ULID_PATTERN.test(content.parentId) ? ctx.entries.find(content.parentId) : null,
          ctx.entries.list({ type: LLM_ENTRY_TYPE, tags: [{ key: 'parent', value: entry.id }], limit: 100 }),
          content.chain ? ctx.entries.list({ type: LLM_ENTRY_TYPE, tags: [{ key: 'chain', value: content.chain }], limit: 200 }) : null,
        ]);
        return {
          data: toInteraction(ctx.decode(entry)),
          audit: decodeAudit(ctx, entry, audit),
          parent: parent && parent.type === LLM_ENTRY_TYPE ? summary(parent) : null,
          children: children.data.map(summary),
          // The session's interactions oldest first, and as a tree (parentId links them): the agent chain.
          session: session ? session.data.map(summary).reverse() : [],
          sessionTree: session ? sessionTree(session.data.map(summary).reverse()) : [],
        };
      },
    },
    {
      method: 'GET',
      path: 'pricing-rules',
      async handle(ctx: Ctx) {
        await owner.authorizeCall(ctx.actor, 'read', { type: 'pricing-rules' }, ctx.req);
        return { data: await owner.pricingRules.list() };
      },
    },
    {
      method: 'POST',
      path: 'pricing-rules',
      body: LlmPricingRuleDto,
      async handle(ctx: Ctx<unknown, LlmPricingRuleDto>) {
        sameOrigin(ctx.req);
        await owner.authorizeCall(ctx.actor, 'review', { type: 'pricing-rules' }, ctx.req);
        const rule = { ...ctx.body } as LlmPricingRule;
        const problems = pricingRuleProblems(rule, 'rule');
        if (problems.length) throw new ApiError(400, problems);
        return { data: await owner.pricingRules.add(rule) };
      },
    },
    {
      method: 'DELETE',
      path: 'pricing-rules',
      query: LlmPricingRuleIdDto,
      async handle(ctx: Ctx<LlmPricingRuleIdDto>) {
        sameOrigin(ctx.req);
        await owner.authorizeCall(ctx.actor, 'review', { type: 'pricing-rules', id: ctx.query.id }, ctx.req);
        if (!(await owner.pricingRules.remove(ctx.query.id))) throw new ApiError(404, `pricing rule ${ctx.query.id} not found`);
        return { data: { id: ctx.query.id, deleted: true } };
      },
    },
    {
      method: 'GET',
      path: 'rollups',
      query: LlmRollupQueryDto,
      async handle(ctx: Ctx<LlmRollupQueryDto>) {
        await owner.authorizeCall(ctx.actor, 'read', { type: 'rollups' }, ctx.req);
        const q = ctx.query;
        return rollups(ctx.entries, { ...range(q, 30), provider: q.provider, model: q.model, project: q.project });
      },
    },
    {
      method: 'GET',
      path: 'kpis',
      query: LlmKpiQueryDto,
      async handle(ctx: Ctx<LlmKpiQueryDto>) {
        await owner.authorizeCall(ctx.actor, 'read', { type: 'kpis' }, ctx.req);
        const q = ctx.query as LlmFilters;
        const entryOnly = q.status !== undefined || q.review !== undefined || q.tag !== undefined || q.user !== undefined || q.session !== undefined;
        if (!entryOnly) {
          const result = await kpisFromCounters(ctx.entries, { ...range(q, 30), provider: q.provider, model: q.model, project: q.project });
          return { ...result, source: 'counters' };
        }
        const result = await kpisFromEntries(ctx.entries, q);
        return { ...result, source: 'entries' };
      },
    },
  ];
  if (owner.reviewEnabled) {
    routes.push(
      {
        method: 'PATCH',
        path: 'interactions/:id/review',
        body: LlmReviewDto,
        async handle(ctx: Ctx<unknown, LlmReviewDto>) {
          sameOrigin(ctx.req);
          await owner.authorizeCall(ctx.actor, 'review', { type: 'interaction', id: ctx.params.id }, ctx.req);
          const { state, comment, expectedVersion } = ctx.body;
          const updated = await review(owner, ctx, ctx.params.id, state as LlmReviewState, comment ?? null, expectedVersion);
          return { data: toInteraction(ctx.decode(updated)) };
        },
      },
      {
        method: 'POST',
        path: 'interactions/review',
        body: LlmBulkReviewDto,
        async handle(ctx: Ctx<unknown, LlmBulkReviewDto>) {
          sameOrigin(ctx.req);
          const { ids, state, comment } = ctx.body;
          await owner.authorizeCall(ctx.actor, 'review', { type: 'interactions', ids }, ctx.req);
          // One update (and one audit record) per interaction: a bulk change is audited like single ones.
          const results: Array<{ id: string; ok: boolean; version?: number; status?: number; message?: string }> = [];
          for (const id of [...new Set(ids)]) {
            try {
              const updated = await review(owner, ctx, id, state as LlmReviewState, comment ?? null);
              results.push({ id, ok: true, version: updated.version });
            } catch (error) {
              if (!(error instanceof ApiError)) throw error;
              results.push({ id, ok: false, status: error.status, message: error.message });
            }
          }
          return { data: results, reviewed: results.filter((r) => r.ok).length };
        },
      },
    );
  }
  if (owner.exportEnabled) {
    routes.push({
      method: 'GET',
      path: 'export',
      query: LlmExportQueryDto,
      async handle(ctx: Ctx<LlmExportQueryDto>) {
        await owner.authorizeCall(ctx.actor, 'export', { type: 'interactions', format: ctx.query.format }, ctx.req);
        const { format, ...filters } = ctx.query;
        // Validates the filters now, so bad input is a 400 and not a cut stream.
        filterQuery(filters);
        const chunks = exportChunks(scanInteractions(ctx.entries, filters), format, ctx.decode);
        const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
        return new StreamResponse(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8', chunks, {
          'Content-Disposition': `attachment; filename="llm-interactions-${stamp}.${format}"`,
          'Cache-Control': 'no-store',
        });
      },
    });
  }
  return routes;
}
