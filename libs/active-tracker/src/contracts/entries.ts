/**
 * The content of every built-in entry type: the shapes the API serves and the dashboard reads.
 * Type-only and free of Node imports, so the browser build imports them from
 * `@active-tracker/nestjs/contracts` instead of keeping a copy that drifts.
 */
import type { LogLevel } from './log-level.js';

/** One parsed line of a V8 stack trace. */
export interface StackFrame {
  function: string | null;
  file: string | null;
  line: number | null;
  column: number | null;
  /** True for the host app's own code (not node_modules, not node internals, not the tracker). */
  app: boolean;
}

/** A Logger call made while a request ran, as listed in its `log`. */
export interface RequestLogLine {
  level: string;
  message: string;
  context?: string;
  /** ISO-8601 time of the call. */
  at: string;
}

/** The `content` of a `request` entry. */
export interface RequestEntryContent {
  method: string;
  /** The request target, sensitive query parameters redacted. */
  url: string;
  path: string;
  routePattern: string | null;
  controller: string | null;
  handler: string | null;
  status: number;
  ip: string | null;
  requestHeaders: Record<string, unknown>;
  query: unknown;
  body: unknown;
  bodyTruncated?: true;
  responseHeaders: Record<string, unknown>;
  responseBody: unknown;
  responseBodyTruncated?: true;
  responseSize: number;
  log: RequestLogLine[];
  logTruncated?: true;
  user?: { name?: string; email?: string; avatarUrl?: string };
  aborted?: true;
}

/** Where an exception was seen. */
export type ExceptionOrigin = 'http' | 'unhandledRejection' | 'uncaughtException' | 'manual';

/** The `content` of an `exception` entry. */
export interface ExceptionEntryContent {
  class: string;
  message: string;
  stack: string | null;
  frames: StackFrame[];
  location: { file: string | null; line: number | null; function: string | null } | null;
  status: number | null;
  origin: ExceptionOrigin;
  request?: { method: string; path: string };
  /** "file:line" of `location`, shown in family lists. */
  locationLabel?: string | null;
}

/** The `content` of a `log` entry. */
export interface LogEntryContent {
  level: LogLevel;
  message: string;
  context?: string;
  stack?: string;
}

/** Where an event was triggered. */
export interface EventSource {
  file: string | null;
  line: number | null;
  function: string | null;
}

/** The `content` of an `event` entry. */
export interface EventEntryContent {
  /** The key of `tracker.event(key)`, or the name of the notification. */
  name: string;
  /** 'event' for `tracker.event`/`trackEvent`, 'notify' for a recorded EventReporter notification. */
  origin: 'event' | 'notify';
  description: string | null;
  /** The event's data, or the notification's payload (an event object's `serialize()` result); sensitive keys redacted. */
  data: unknown;
  /** EventReporter tags in effect (`tagged`), tag objects serialized. */
  eventTags: Record<string, unknown>;
  /** EventReporter context (`setContext`) of the request/job. */
  context: Record<string, unknown>;
  /** The first app frame (tracker.event) or the notification's source location. */
  source: EventSource | null;
  /** Call stack of `tracker.event` without the tracker's own frames ([] for notifications). */
  backtrace: StackFrame[];
  /** Notifications only: the reporter's epoch-nanosecond timestamp. */
  timestamp?: number;
}

/** The `content` of an `http-client` entry. */
export interface HttpClientEntryContent {
  /** 'fetch' for fetch/undici, 'http' for node:http/https (axios, got, SDKs built on them...). */
  client: 'fetch' | 'http';
  method: string;
  /** Full URL, credentials and sensitive query parameters replaced by [REDACTED]. */
  url: string;
  host: string;
  /** Response status, null when no response arrived. */
  status: number | null;
  /** From the start of the call to the end of the response body (or the error). */
  durationMs: number;
  /** Request body size in bytes when known (content-length), else null. */
  requestSize: number | null;
  /** Response body size from content-length, else null (bodies are never read by the tracker). */
  responseSize: number | null;
  error?: { name: string; message: string; code?: string };
}

