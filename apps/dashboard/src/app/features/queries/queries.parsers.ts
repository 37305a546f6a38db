import type { QueryFamiliesResponse, QueryFamilyDetail, QueryFamilyRequest, QueryFamilyRow, RequestQueries } from '@active-tracker/nestjs/contracts';
import { entry } from '../../core/api/entry.guards.js';
import { arrayOf, bool, nullable, num, object, parser, str } from '../../core/api/json.guard.js';

/** The parsers of the queries plugin's routes (`api/queries/...`): a drifted answer is an error, not half a page. */

const ms = nullable(num);

export const queryFamilyRow = object<QueryFamilyRow>({
  familyHash: str,
  sql: str,
  normalized: str,
  driver: nullable(str),
  orm: nullable(str),
  location: nullable(str),
  count: num,
  totalMs: num,
  avgMs: ms,
  maxMs: ms,
  p50Ms: ms,
  p95Ms: ms,
  p99Ms: ms,
  firstSeen: str,
  lastSeen: str,
  lastEntryId: str,
  slow: bool,
  approximate: bool,
});

export const requestQueries = object<RequestQueries>({
  count: num,
  totalMs: num,
  slowCount: num,
  nPlusOne: arrayOf(object({ familyHash: str, sql: str, count: num })),
  duplicates: arrayOf(object({ sql: str, count: num })),
});

const queryFamilyRequest = object<QueryFamilyRequest>({
  id: str,
  batchId: nullable(str),
  occurredAt: str,
  durationMs: ms,
  method: nullable(str),
  path: nullable(str),
  routePattern: nullable(str),
  status: nullable(num),
  queries: nullable(requestQueries),
});

export const parseQueryFamilies = parser(object<QueryFamiliesResponse>({ data: arrayOf(queryFamilyRow), next: nullable(str) }));

export const parseQueryFamilyDetail = parser(
  object<QueryFamilyDetail>({ data: queryFamilyRow, executions: arrayOf(entry), requests: arrayOf(queryFamilyRequest) }),
);
