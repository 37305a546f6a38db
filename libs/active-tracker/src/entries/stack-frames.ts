import { fileURLToPath } from 'node:url';
import type { StackFrame } from '../contracts/entries.js';
export type { StackFrame };

/**
 * One V8 stack line (`    at fn (file:line:col)`, `    at file:line:col`, `async ` dropped), as read,
 * before any shaping: the one parser behind `parseStack` (backtraces) and the bus's
 * `parseStackFrame` (Rails-shaped source locations).
 */
export interface ParsedStackLine {
  function: string | null;
  /** As V8 prints it: a path, a `file://` URL (ES modules), `node:...`, or a pseudo-location (`<anonymous>`). */
  file: string | null;
  line: number | null;
  column: number | null;
}

const FRAME_WITH_FN = /^\s*at (?:async )?(.*?) \((.*?)(?::(\d+))?(?::(\d+))?\)$/;
const FRAME_NO_FN = /^\s*at (?:async )?(.*?)(?::(\d+))?(?::(\d+))?$/;
const MAX_FRAMES = 100;
/** The tracker's own code: its source tree, its build output, the installed package. */
export const TRACKER_FILE = /[\\/](?:libs[\\/]active-tracker[\\/](?:src|dist)|node_modules[\\/]@active-tracker[\\/]nestjs)[\\/]/;

/** Parses one V8 stack line; null when it is not an `at` line. */
export function parseStackLine(line: string): ParsedStackLine | null {
  if (!line.trimStart().startsWith('at ')) return null;
  let m = FRAME_WITH_FN.exec(line);
  if (m) return { function: m[1] || null, file: m[2] || null, line: num(m[3]), column: num(m[4]) };
  if ((m = FRAME_NO_FN.exec(line))) return { function: null, file: m[1] || null, line: num(m[2]), column: num(m[3]) };
  return null;
}

/** Parses `error.stack` (V8 format) into frames; unknown lines are skipped. */
export function parseStack(stack: string | undefined | null): StackFrame[] {
  if (!stack) return [];
  const frames: StackFrame[] = [];
  for (const line of stack.split('\n')) {
    const parsed = parseStackLine(line);
    if (!parsed) continue;
    frames.push({ ...parsed, app: isAppFile(parsed.file) });
    if (frames.length >= MAX_FRAMES) break;
  }
  return frames;
}

/** A real source file: not a node internal, a pseudo-location (`<anonymous>`, `index 0`) or a dependency in node_modules. */
export function isHostFile(file: string | null): boolean {
  if (!file) return false;
  if (file.startsWith('node:') || file.startsWith('internal/') || !/[\\/]/.test(file)) return false;
  return !/[\\/]node_modules[\\/]/.test(file);
}

/** Host code: a real file path outside node_modules, node internals and this library. */
export function isAppFile(file: string | null): boolean {
  return !!file && isHostFile(file) && !TRACKER_FILE.test(file);
}

/** The first app frame, used as the exception's location. */
export function firstAppFrame(frames: StackFrame[]): StackFrame | null {
  return frames.find((f) => f.app) ?? null;
}

/** Path shown to humans: relative to the working directory when inside it. */
export function displayPath(file: string | null): string | null {
  if (!file) return null;
  const cwd = process.cwd();
  const clean = file.startsWith('file://') ? fromFileUrl(file) : file;
  return clean.startsWith(cwd + '/') ? clean.slice(cwd.length + 1) : clean;
}

/** ESM frames are percent-encoded URLs (`my%20app`): decode them so they compare with cwd. */
export function fromFileUrl(url: string): string {
  try {
    return fileURLToPath(url);
  } catch {
    return url.slice(7);
  }
}

function num(s: string | undefined): number | null {
  return s ? Number(s) : null;
}

/**
 * V8's structured call sites of the current stack below `above` (at most `limit`), with no stack
 * text formatted: the cheap read behind per-call locations (a few µs). Null when the engine will not give them.
 */
export function captureCallSites(above: (...args: never[]) => unknown, limit: number): NodeJS.CallSite[] | null {
  const prepare = Error.prepareStackTrace;
  const stackLimit = Error.stackTraceLimit;
  const holder: { stack?: unknown } = {};
  try {
    Error.prepareStackTrace = returnSites;
    Error.stackTraceLimit = limit;
    Error.captureStackTrace(holder, above);
    // Read while our formatter is installed: the stack is formatted on first access.
    const sites = holder.stack;
    return Array.isArray(sites) ? (sites as NodeJS.CallSite[]) : null;
  } catch {
    return null;
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = stackLimit;
  }
}

function returnSites(_error: Error, sites: NodeJS.CallSite[]): NodeJS.CallSite[] {
  return sites;
}

/**
 * The call site at `index` of `captureCallSites(above, …)`, as the process prints it in stack
 * traces, so source-mapped exactly when the app's own traces are (Node under --enable-source-maps,
 * source-map-support, Jest): the installed formatter is asked for this one frame; where none is
 * visible (a vm context), the current stack's text is taken down to it, so call it from within
 * `above`, in the same synchronous call. Either line is read by `parseStackLine`. Costs tens of µs:
 * meant to be cached per position.
 */
export function callSiteFrame(site: NodeJS.CallSite, above: (...args: never[]) => unknown, index: number): ParsedStackLine {
  const raw: ParsedStackLine = {
    function: site.getFunctionName?.() ?? null,
    file: site.getFileName?.() ?? null,
    line: site.getLineNumber?.() ?? null,
    column: site.getColumnNumber?.() ?? null,
  };
  const prepare = Error.prepareStackTrace;
  const stackLimit = Error.stackTraceLimit;
  try {
    const formatter = typeof prepare === 'function' && prepare !== returnSites;
    let text: unknown;
    if (formatter) text = prepare(new Error(), [site]);
    else {
      const holder: { stack?: unknown } = {};
      Error.stackTraceLimit = index + 1;
      Error.captureStackTrace(holder, above);
      text = holder.stack;
    }
    const frames =
      typeof text === 'string'
        ? text
            .split('\n')
            .map(parseStackLine)
            .filter((f) => f !== null)
        : [];
    return frames[formatter ? 0 : index] ?? raw;
  } catch {
    return raw;
  } finally {
    Error.stackTraceLimit = stackLimit;
  }
}
