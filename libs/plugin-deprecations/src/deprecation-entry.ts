import { createHash } from 'node:crypto';

/** The Entry `type` the plugin records. */
export const DEPRECATION_ENTRY_TYPE = 'deprecation';

/** Counter every deprecation entry increments (`GET api/counters?name=deprecations`): keys `endpoint`, `notice`, `pastSunset`. */
export const DEPRECATION_COUNTER = 'deprecations';

/** What was used: a `@Deprecated()` endpoint, or something app code reported (`deprecation.*` events). */
export type DeprecationKind = 'endpoint' | 'notice';

/**
 * Content of a `deprecation` entry. The top-level scalars are also what the family aggregate keeps
 * of the newest use (its `summary`), which the report and the families list read.
 */
export interface DeprecationEntryContent {
  kind: DeprecationKind;
  /** What is deprecated: 'GET /users/legacy' for an endpoint, the feature (or message) of a notice. */
  subject: string;
  since: string | null;
  /** ISO-8601, or null without a sunset. */
  sunset: string | null;
  replacement: string | null;
  /** True when this use came after the sunset. */
  pastSunset: boolean;
  message: string | null;
  /** Endpoints: the request. */
  method: string | null;
  /** The route pattern ('/users/:id'), as Nest matched it. */
  route: string | null;
  /** The path requested, without the query string. */
  path: string | null;
  controller: string | null;
  handler: string | null;
  /** The response status (also when a guard or a filter answered). */
  status: number | null;
  /** The client: `User-Agent`, and the API client named by `clientHeader` or `clientResolver`. */
  userAgent: string | null;
  client: string | null;
  /** Notices: the event name ('deprecation.billing', 'deprecation.used'). */
  event: string | null;
  /** Notices: where it came from (the instrumentation bus or the EventReporter). */
  origin: 'instrument' | 'notify' | null;
  /** Notices: Rails' `deprecation_horizon` (the version that removes it), when given. */
  horizon: string | null;
}

/** Longest family key kept verbatim (the API's `family` filter takes 128 characters). */
const MAX_FAMILY_KEY = 128;

/**
 * The family (upsert key) of a deprecated subject: one family per endpoint ('GET /users/legacy')
 * or per notice (event name + subject). Prefixed, because family ids are shared by entry types.
 */
export function deprecationKey(kind: DeprecationKind, subject: string, event?: string): string {
  const key = kind === 'endpoint' ? `deprecation:${subject}` : `deprecation:${event ?? 'notice'}:${subject}`;
  if (key.length <= MAX_FAMILY_KEY) return key;
  return `${key.slice(0, MAX_FAMILY_KEY - 18)}~${createHash('sha1').update(key).digest('hex').slice(0, 16)}`;
}

/** A string field of untrusted input, trimmed and capped, or null. */
export function text(value: unknown, max = 300): string | null {
  if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  return trimmed.length > max ? trimmed.slice(0, max) : trimmed;
}
