import type {
  EntriesResponse,
  EntryDetailResponse,
  EntryFamily,
  ExceptionFamiliesResponse,
  ExceptionFamilyDetailResponse,
  ExceptionFamilyRow,
  FamiliesResponse,
  OccurrencePoint,
  TimelineItem,
} from '@active-tracker/nestjs/contracts';
import { entry } from './entry.guards.js';
import { arrayOf, bool, nullable, num, object, oneOf, parser, recordOf, str } from './json.guard.js';

/**
 * The parsers of the API's list and entry answers (`httpResource`'s `parse`, one-off reads): each
 * checks the answer against its contract and throws "unexpected answer from the API: ..." when
 * they differ, which the page shows instead of rendering half-broken data. `meta` and `stats` are
 * in meta.parsers.ts (the shell needs them at start; these load with the pages). The parsers and
 * their guards import with `.js`: the e2e suite also runs them in Node, against a real server.
 */

export const parseEntries = parser(object<EntriesResponse>({ data: arrayOf(entry), next: nullable(str) }));

const timelineItem = object<TimelineItem>({ id: str, type: str, offsetMs: num, durationMs: nullable(num) });

export const parseEntryDetail = parser(object<EntryDetailResponse>({ data: entry, batch: arrayOf(entry), timeline: arrayOf(timelineItem), startedAt: str }));

const exceptionFamily = object<ExceptionFamilyRow>({
  familyHash: str,
  class: nullable(str),
  message: nullable(str),
  location: nullable(str),
  count: num,
  firstSeen: str,
  lastSeen: str,
  lastEntryId: str,
  approximate: bool,
});

export const parseExceptionFamilies = parser(object<ExceptionFamiliesResponse>({ data: arrayOf(exceptionFamily), next: nullable(str) }));

const duration = nullable(num);
export const entryFamily = object<EntryFamily>({
  type: str,
  familyHash: str,
  count: num,
  firstSeen: str,
  lastSeen: str,
  lastEntryId: str,
  summary: recordOf(str),
  totalDurationMs: num,
  maxDurationMs: duration,
  avgDurationMs: duration,
  p50: duration,
  p95: duration,
  p99: duration,
  approximate: bool,
});

export const parseFamilies = parser(object<FamiliesResponse>({ data: arrayOf(entryFamily), next: nullable(str) }));

export const occurrencePoint = object<OccurrencePoint>({ at: str, count: num });

type FamilyDetail = ExceptionFamilyDetailResponse['data'];
type RecentOccurrence = FamilyDetail['recent'][number];

export const parseExceptionFamilyDetail = parser(
  object<ExceptionFamilyDetailResponse>({
    data: object<FamilyDetail>({
      family: exceptionFamily,
      latest: nullable(entry),
      occurrences: object<FamilyDetail['occurrences']>({
        range: oneOf('hour', 'day'),
        granularity: oneOf('minute', 'hour'),
        points: arrayOf(occurrencePoint),
        approximate: bool,
      }),
      recent: arrayOf(
        object<RecentOccurrence>({
          id: str,
          occurredAt: str,
          batchId: nullable(str),
          message: str,
          request: nullable(object<NonNullable<RecentOccurrence['request']>>({ id: str, method: str, path: str, status: num })),
        }),
      ),
    }),
  }),
);
