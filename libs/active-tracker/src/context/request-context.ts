import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EntryDraft } from '../entries/entry.js';
import { newUlid } from '../entries/entry-id.js';

/** One captured log line of a request (Nest Logger call made while the request ran). */
export interface ContextLogLine {
  level: string;
  message: string;
  context?: string;
  at: string;
}

/** A draft recorded in a batch, with the time the recorder stamped on it. */
export interface BatchDraft {
  readonly draft: EntryDraft;
  /** Epoch ms at which it was recorded (its occurredAt when the draft gives none). */
  readonly recordedAt: number;
  /** Its entry id, made when it was recorded: lists sort entries by when they happened. */
  readonly id: string;
}

/** Where a batch is in its life: drafts are grouped while open or ending, then written or dropped whole. */
export type BatchState = 'open' | 'ended' | 'finalized';

/**
 * Everything the tracker keeps for one request or job: its batch. One AsyncLocalStorage store,
 * started by the request hook (so middleware, guards, interceptors, filters and code under the
 * handler all see it) or by `runInBatch` for work outside HTTP. The recorder groups the drafts
 * recorded in it until it ends, then runs the batch processors and the sampling decision.
 */
export class TrackerContext {
  /** ULID shared by every entry the batch produces. */
  readonly batchId: string;
  /** The tracker instance (module) that started this context; null outside any tracker. */
  readonly trackerId: string | null;
  /** 'request' for HTTP, or the kind given to `runInBatch` ('job', 'schedule', 'script'...). */
  readonly kind: string;
  readonly startedAt = Date.now();
  readonly tags: Record<string, string> = {};
  readonly redactions: string[] = [];
  readonly log: ContextLogLine[] = [];
  logBytes = 0;
  logTruncated = false;
  /** EventReporter-style context (`setContext`), scoped to this request. */
  readonly eventContext: Record<string, unknown> = {};
  /**
   * The controller and handler serving the request, and its route pattern. `controllerClass` is
   * the class itself, for plugins reading its metadata with Nest's Reflector.
   */
  route: { pattern?: string; controller?: string; handler?: string; controllerClass?: Function } = {};
  /** The HTTP exchange of a request batch. */
  http?: { req: IncomingMessage & Record<string, any>; res: ServerResponse };
  /** A name for non-HTTP batches (job name, command...). */
  name?: string;
  /** Epoch ms at which the batch ended, once it has. */
  endedAt: number | null = null;
  state: BatchState = 'open';
  /** Drafts recorded in the batch until it is finalized (then released). */
  drafts: BatchDraft[] = [];
  /** Drafts refused because the batch held too many. */
  droppedDrafts = 0;
  /** Set when sampling decided (at the end, or early for a long batch): kept or not, and the weight of its entries. */
  decision: { keep: boolean; weight: number } | null = null;
  /** Set when the batch's work failed (a job that threw): such batches are always kept. */
  failed = false;

  constructor(trackerId: string | null = null, batchId: string = newUlid(), kind = 'request') {
    this.trackerId = trackerId;
    this.batchId = batchId;
    this.kind = kind;
  }
}

const storage = new AsyncLocalStorage<TrackerContext>();

/** The context of the request/job running now, if any. */
export function currentContext(): TrackerContext | undefined {
  return storage.getStore();
}

/** The batch (request or job) running now, if any: what plugins record into. */
export const currentBatch = currentContext;

/**
 * The one owner check (the recorder's rule, shared by the plugins): whether the tracker `trackerId`
 * records what happens under `owner`, a context's or a draft's tracker id. Work of no tracker (no
 * request, a context started outside any tracker) belongs to every tracker; a request served by
 * another tracker of the same process (two apps, two modules) is that tracker's only.
 */
export function isOwnedBy(owner: string | null | undefined, trackerId: string): boolean {
  return !owner || owner === trackerId;
}

/** Runs `fn` inside `context` (used by the request hook, `runInBatch` and tests). */
export function runInContext<T>(context: TrackerContext, fn: () => T): T {
  return storage.run(context, fn);
}

/**
 * The batches' AsyncLocalStorage, for `diagnostics_channel` `bindStore`: a driver publishing
 * TracingChannels (mysql2) then runs its callbacks in the batch that made the call.
 */
export function contextStorage(): AsyncLocalStorage<TrackerContext> {
  return storage;
}

/** Maximum size of the per-request log (the original gem's 64 KB cap). */
export const MAX_REQUEST_LOG_BYTES = 64 * 1024;

/**
 * Adds tags to the current request. Tags `user_name`, `user_email`, `user_avatar_url` are shown
 * as the request's user. Values are stringified. Outside a request this does nothing.
 */
export function tagCurrent(tags: Record<string, unknown>): void {
  const ctx = storage.getStore();
  if (!ctx || !tags) return;
  for (const [key, value] of Object.entries(tags)) {
    if (value === undefined || value === null) continue;
    ctx.tags[key] = typeof value === 'string' ? value : String(value);
  }
}

/**
 * Replaces every occurrence of the literal `value` by `[REDACTED]` in everything recorded for the
 * current request (its headers, bodies, log lines, exceptions, events), also in what was recorded
 * before the call. Outside a request: no-op.
 */
export function redactCurrent(...values: unknown[]): void {
  const ctx = storage.getStore();
  if (!ctx) return;
  for (const value of values) {
    if (value === undefined || value === null) continue;
    const text = String(value);
    if (text.length > 0 && !ctx.redactions.includes(text)) ctx.redactions.push(text);
  }
}

/** Appends a line to the current request's log, enforcing the 64 KB cap. */
export function appendContextLog(line: ContextLogLine, ctx = storage.getStore()): void {
  if (!ctx || ctx.logTruncated) return;
  const size = line.message.length + (line.context?.length ?? 0) + 32;
  if (ctx.logBytes + size > MAX_REQUEST_LOG_BYTES) {
    ctx.logTruncated = true;
    return;
  }
  ctx.logBytes += size;
  ctx.log.push(line);
}
