import type { ExceptionFamilyDetailResponse, ExceptionFamilyRow, OverviewRange } from '../contracts/api.js';
import type { Entry, EntryFamily } from '../entries/entry.js';
import type { EntryReader } from '../plugins/plugin.js';
import { EXCEPTION_COUNTER } from '../storage/overview-counters.js';
import { overviewWindow } from './overview.js';

/** Newest occurrences listed with their requests. */
const RECENT_OCCURRENCES = 20;

/** The exception families list keeps its v1 row shape, plus the v2 statistics. */
export function exceptionFamilyRow(f: EntryFamily): ExceptionFamilyRow {
  return {
    familyHash: f.familyHash,
    class: f.summary.class ?? null,
    message: f.summary.message ?? null,
    location: f.summary.locationLabel ?? null,
    count: f.count,
    firstSeen: f.firstSeen,
    lastSeen: f.lastSeen,
    lastEntryId: f.lastEntryId,
    approximate: f.approximate,
  };
}

/**
 * `GET exceptions/families/:hash`: the family, its newest occurrence (the backtrace), its
 * occurrences per bucket (the `exceptions` counter, key = the hash) and the newest occurrences
 * with the request of each. Bounded: one family read, one counter read, one page of 20, and one
 * indexed lookup per occurrence's batch. Null when the family is unknown.
 */
export async function exceptionFamilyDetail(
  entries: EntryReader,
  familyHash: string,
  range: OverviewRange,
  decode: (entry: Entry) => Entry,
): Promise<ExceptionFamilyDetailResponse['data'] | null> {
  const family = await entries.family('exception', familyHash);
  if (!family) return null;
  const window = overviewWindow(range);
  const [latest, counter, recent] = await Promise.all([
    entries.find(family.lastEntryId),
    entries.counters({ name: EXCEPTION_COUNTER, granularity: window.granularity, from: window.from, to: window.to }),
    entries.list({ type: 'exception', family: familyHash, limit: RECENT_OCCURRENCES }),
  ]);
  const requests = await Promise.all(
    recent.data.map((e) => (e.batchId ? entries.list({ batch: e.batchId, type: 'request', limit: 1 }).then((page) => page.data[0] ?? null) : null)),
  );
  return {
    family: exceptionFamilyRow(family),
    latest: latest ? decode(latest) : null,
    occurrences: {
      range,
      granularity: window.granularity,
      points: counter.buckets.map((bucket) => ({ at: bucket.at, count: bucket.values[familyHash] ?? 0 })),
      approximate: counter.approximate,
    },
    recent: recent.data.map((e, i) => {
      const request = requests[i];
      const content = request?.content ?? {};
      const message = decode(e).content.message;
      return {
        id: e.id,
        occurredAt: e.occurredAt,
        batchId: e.batchId,
        message: typeof message === 'string' ? message : '',
        request: request
          ? { id: request.id, method: String(content.method ?? ''), path: String(content.path ?? ''), status: Number(content.status ?? 0) }
          : null,
      };
    }),
  };
}
