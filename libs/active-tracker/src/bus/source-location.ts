import { fromFileUrl, parseStackLine } from '../entries/stack-frames.js';

/** Where an event was reported: Rails' `source_location` (`filepath`, `lineno`, `label`). */
export interface SourceLocation {
  /** Absolute path of the file (a `file://` URL is turned into a path). */
  filepath: string;
  /** 1-based line number. */
  lineno: number;
  /** The function as V8 names it (`UserService.create`, `Object.<anonymous>`), or `<anonymous>`. */
  label: string;
}

/** Frames of the reporter itself, skipped so the location is the reporter's caller (`.ts` or compiled `.js`). */
const INTERNAL_FRAME = /[\\/]bus[\\/](?:event-reporter|source-location)\.[cm]?[jt]s$/;

/**
 * Parses one V8 stack line (`    at label (file:line:col)` or `    at file:line:col`) with the shared
 * stack parser, shaped as Rails' source location; undefined for lines without a file position.
 */
export function parseStackFrame(line: string): SourceLocation | undefined {
  const frame = parseStackLine(line);
  if (!frame?.file || frame.line === null || frame.column === null) return undefined;
  const filepath = frame.file.startsWith('file://') ? fromFileUrl(frame.file) : frame.file;
  return { filepath, lineno: frame.line, label: frame.function?.replace(/^new /, '') ?? '<anonymous>' };
}

/**
 * The frame `callerDepth` levels above the reporter (1 = the code that called `notify`), read from
 * `new Error().stack` so source maps (`--enable-source-maps`, Jest) map it like any stack trace.
 * Leading frames of the reporter's own files are skipped, so wrappers such as `debug` → `notify`
 * and the exported bound functions need no depth adjustment.
 */
export function callerLocation(callerDepth = 1): SourceLocation | undefined {
  const depth = Math.max(1, Math.floor(callerDepth) || 1);
  const previousLimit = Error.stackTraceLimit;
  // Only the frames needed (capture cost grows with the limit): this function, notify, debug and
  // an exported wrapper at most, then `depth` callers.
  Error.stackTraceLimit = depth + 5;
  let stack: string | undefined;
  try {
    stack = new Error().stack;
  } finally {
    Error.stackTraceLimit = previousLimit;
  }
  if (!stack) return undefined;
  const lines = stack.split('\n');
  let i = 1; // line 0 is "Error"
  for (; i < lines.length; i++) {
    const frame = parseStackFrame(lines[i]);
    if (!frame || !INTERNAL_FRAME.test(frame.filepath)) break;
  }
  for (let seen = 1; i < lines.length; i++) {
    const frame = parseStackFrame(lines[i]);
    if (!frame) continue;
    if (seen === depth) return frame;
    seen++;
  }
  return undefined;
}
