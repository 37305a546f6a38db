/**
 * Streamed LLM answers, read after the fact from the bytes observed: server-sent events (OpenAI,
 * Anthropic) and NDJSON (Ollama). Each event carries the byte offset where it ends, so the time it
 * arrived (time to first token) is found from the arrival times of the chunks, without parsing
 * anything while the host's stream flows.
 */
export interface StreamEvent {
  /** The SSE `event:` field (null for NDJSON and unnamed events). */
  event: string | null;
  data: string;
  /** Byte offset just after the event in the stream. */
  end: number;
}

const LF = 0x0a;

/** Lines of a buffer with the offset after each (a trailing line without LF is included). */
function* lines(buf: Uint8Array): Generator<[string, number]> {
  const decoder = new TextDecoder();
  let start = 0;
  while (start < buf.length) {
    let at = buf.indexOf(LF, start);
    if (at < 0) at = buf.length;
    let line = decoder.decode(buf.subarray(start, at));
    if (line.endsWith('\r')) line = line.slice(0, -1);
    yield [line, Math.min(at + 1, buf.length)];
    start = at + 1;
  }
}

/** Server-sent events (`event:` and `data:` fields; comments and other fields are skipped). */
export function parseSse(buf: Uint8Array): StreamEvent[] {
  const out: StreamEvent[] = [];
  let event: string | null = null;
  let data: string[] = [];
  let last = 0;
  for (const [line, end] of lines(buf)) {
    last = end;
    if (line === '') {
      if (data.length > 0) out.push({ event, data: data.join('\n'), end });
      event = null;
      data = [];
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  }
  // A stream cut before its final blank line still yields its last event.
  if (data.length > 0) out.push({ event, data: data.join('\n'), end: last });
  return out;
}

/** Newline-delimited JSON: one event per non-blank line. */
export function parseNdjson(buf: Uint8Array): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const [line, end] of lines(buf)) if (line.trim() !== '') out.push({ event: null, data: line, end });
  return out;
}

/** JSON.parse that answers undefined instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
