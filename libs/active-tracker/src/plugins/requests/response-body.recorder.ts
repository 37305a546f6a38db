import type { ServerResponse } from 'node:http';
import { JsonText } from '../../plugin-api.js';

const RECORDER = Symbol('activeTracker.responseBody');

type Writer = (this: ServerResponse, ...args: unknown[]) => unknown;
type Recorded = ServerResponse & { [RECORDER]?: ResponseBodyRecorder; json?: (body: unknown) => unknown };

/*
 * One set of wrapper functions shared by every response: each reads the recorder from the response
 * it is called on, so recording a response allocates no closure. They forward the host's arguments
 * untouched (`arguments` + apply: no rest/spread copies).
 */
function recordingWrite(this: Recorded): unknown {
  const recorder = this[RECORDER]!;
  recorder.collect(arguments[0], typeof arguments[1] === 'string' ? (arguments[1] as BufferEncoding) : undefined);
  return recorder.write.apply(this, arguments as unknown as unknown[]);
}

function recordingEnd(this: Recorded): unknown {
  const recorder = this[RECORDER]!;
  const chunk = arguments[0];
  if (chunk !== undefined && typeof chunk !== 'function') {
    recorder.collect(chunk, typeof arguments[1] === 'string' ? (arguments[1] as BufferEncoding) : undefined);
  }
  return recorder.end.apply(this, arguments as unknown as unknown[]);
}

function recordingJson(this: Recorded): unknown {
  const recorder = this[RECORDER]!;
  // Express's res.json() serializes this value: it proves the text valid and is cheaper to check.
  recorder.source ??= { value: arguments[0] };
  // The Buffer res.json() then hands to end() is its own, never reused: no need to copy it.
  recorder.ownedChunks = true;
  return recorder.json!.apply(this, arguments as unknown as unknown[]);
}

/**
 * Copies what the host writes to the response, up to `limit` bytes, without changing a byte of it:
 * `write`/`end` (and Express's `json`) are wrapped on this one response object and always forward
 * their arguments as they are.
 */
export class ResponseBodyRecorder {
  /** UTF-8 strings are kept as they are (immutable, no copy); anything else as copied bytes. */
  private chunks: Array<string | Buffer> = [];
  private size = 0;
  /** Total bytes written by the host (also past the limit). */
  total = 0;
  truncated = false;
  /** The value passed to Express's res.json(), if that is how the body was sent. */
  source: { value: unknown } | undefined;
  /** True while the chunks written are the framework's own buffers (res.json), kept without a copy. */
  ownedChunks = false;
  readonly write: Writer;
  readonly end: Writer;
  readonly json: Writer | undefined;

  constructor(
    res: ServerResponse,
    private readonly limit: number,
  ) {
    const target = res as Recorded;
    this.write = target.write as unknown as Writer;
    this.end = target.end as unknown as Writer;
    this.json = typeof target.json === 'function' ? (target.json as unknown as Writer) : undefined;
    target[RECORDER] = this;
    target.write = recordingWrite as typeof res.write;
    target.end = recordingEnd as typeof res.end;
    if (this.json) target.json = recordingJson;
  }

  collect(chunk: unknown, encoding?: BufferEncoding): void {
    try {
      if (chunk === null || chunk === undefined) return;
      if (typeof chunk === 'string' && (encoding === undefined || encoding === 'utf8' || encoding === 'utf-8')) {
        const bytes = Buffer.byteLength(chunk);
        if (bytes === 0) return;
        this.total += bytes;
        if (this.size >= this.limit) {
          this.truncated = true;
          return;
        }
        if (bytes <= this.limit - this.size) {
          this.chunks.push(chunk);
          this.size += bytes;
          return;
        }
        return this.keep(Buffer.from(chunk, 'utf8'), false);
      }
      const buf = Buffer.isBuffer(chunk)
        ? chunk
        : chunk instanceof Uint8Array
          ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
          : Buffer.from(String(chunk), encoding ?? 'utf8');
      if (buf.length === 0) return; // an empty final write after exactly `limit` bytes loses nothing
      this.total += buf.length;
      if (this.size >= this.limit) {
        this.truncated = true;
        return;
      }
      this.keep(buf, buf !== chunk || !this.ownedChunks);
    } catch {
      /* capture never breaks the response */
    }
  }

  /** Keeps what fits of `buf` (already counted in `total`); copies when the host may reuse it. */
  private keep(buf: Buffer, copy: boolean): void {
    const room = this.limit - this.size;
    const piece = buf.length > room ? buf.subarray(0, room) : buf;
    if (piece !== buf) this.truncated = true;
    this.chunks.push(copy || piece !== buf ? Buffer.from(piece) : piece);
    this.size += piece.length;
  }

  /**
   * The captured body: a JsonText for a JSON response (serialized by the recorder only if it needs
   * redacting; a cut one is redacted before it is stored), text for other text types, a short
   * description of binary data.
   */
  body(contentType: string | undefined): unknown {
    if (this.total === 0) return null;
    const type = (contentType ?? '').toLowerCase();
    const texty = type === '' || /json|text|xml|javascript|html|csv|x-www-form-urlencoded/.test(type);
    if (!texty) return `[binary ${type || 'data'}, ${this.total} bytes]`;
    const chunks = this.chunks;
    const text =
      chunks.length === 1 && typeof chunks[0] === 'string'
        ? chunks[0]
        : Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c))).toString('utf8');
    if (!type.includes('json')) return text;
    return new JsonText(text, this.source?.value, !this.truncated);
  }
}
