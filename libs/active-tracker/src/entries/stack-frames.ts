import { fileURLToPath } from 'node:url';
import type { StackFrame } from '../contracts/entries.js';
export type { StackFrame };


const FRAME_WITH_FN = /^\s*at (?:async )?(.*?) \((.*?)(?::(\d+))?(?::(\d+))?\)$/;
const FRAME_NO_FN = /^\s*at (?:async )?(.*?)(?::(\d+))?(?::(\d+))?$/;
const MAX_FRAMES = 100;

/** Parses `error.stack` (V8 format) into frames; unknown lines are skipped. */
export function parseStack(stack: string | undefined | null): StackFrame[] {
  if (!stack) return [];
  const frames: StackFrame[] = [];
  for (const line of stack.split('\n')) {
    if (!line.trimStart().startsWith('at ')) continue;
    let m = FRAME_WITH_FN.exec(line);
    let frame: StackFrame;
    if (m) {
      frame = { function: m[1] || null, file: m[2] || null, line: num(m[3]), column: num(m[4]), app: false };
    } else if ((m = FRAME_NO_FN.exec(line))) {
      frame = { function: null, file: m[1] || null, line: num(m[2]), column: num(m[3]), app: false };
    } else continue;
    frame.app = isAppFile(frame.file);
    frames.push(frame);
    if (frames.length >= MAX_FRAMES) break;
  }
  return frames;
}

/** Host code: a real file path outside node_modules, node internals and this library. */
export function isAppFile(file: string | null): boolean {
  if (!file) return false;
  if (file.startsWith('node:') || file.startsWith('internal/') || !/[\\/]/.test(file)) return false;
  if (/[\\/]node_modules[\\/]/.test(file)) return false;
  if (/[\\/]libs[\\/]active-tracker[\\/](src|dist)[\\/]/.test(file)) return false;
  return true;
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
function fromFileUrl(url: string): string {
  try {
    return fileURLToPath(url);
  } catch {
    return url.slice(7);
  }
}

function num(s: string | undefined): number | null {
  return s ? Number(s) : null;
}
