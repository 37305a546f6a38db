import type { OverviewPoint, OverviewResponse, OverviewRoute, OverviewTile, RecordingResponse, RecordingStatus } from '@active-tracker/nestjs/contracts';
import { entry } from './entry.guards.js';
import { arrayOf, bool, either, nullable, num, object, oneOf, optional, parser, str } from './json.guard.js';

/** Parsers of the live dashboard's answers: the stream's entries, the recording status, the overview. */

const parseEntry = parser(entry);

/** The `data:` of a stream `entry` event (the entry as `GET entries` lists it), from its JSON text. */
export function parseStreamEntry(data: string) {
  return parseEntry(JSON.parse(data) as unknown);
}

export const parseRecording = parser(
  object<RecordingResponse>({
    data: object<RecordingStatus>({ recording: bool, changedAt: nullable(str), changedBy: nullable(str) }),
  }),
);

const point = object<OverviewPoint>({
  at: str,
  requests: num,
  errors: num,
  clientErrors: num,
  errorRate: nullable(num),
  p95Ms: nullable(num),
});

const route = object<OverviewRoute>({
  familyHash: str,
  method: nullable(str),
  route: nullable(str),
  count: num,
  errors: num,
  avgMs: num,
  p95Ms: nullable(num),
});

const tile = object<OverviewTile>({
  plugin: str,
  key: str,
  label: str,
  value: either(num, str, 'a number or a string'),
  unit: optional(str),
  hint: optional(str),
  link: optional(str),
  error: optional(bool),
  series: optional(arrayOf(num)),
});

type Overview = OverviewResponse['data'];

export const parseOverview = parser(
  object<OverviewResponse>({
    data: object<Overview>({
      range: oneOf('hour', 'day'),
      granularity: oneOf('minute', 'hour'),
      from: str,
      to: str,
      totals: object<Overview['totals']>({
        requests: num,
        errors: num,
        clientErrors: num,
        errorRate: nullable(num),
        p95Ms: nullable(num),
        perMinute: num,
      }),
      series: arrayOf(point),
      slowestRoutes: arrayOf(route),
      tiles: arrayOf(tile),
      approximate: bool,
    }),
  }),
);
