import type { ServerResponse } from 'node:http';
import { JsonText } from '../../entries/json-text.js';

/**
 * Copies what the host writes to the response, up to `limit` bytes, without changing a byte of it:
 * `write`/`end` are wrapped on this one response object and always forward their arguments as-is.
 */
export class ResponseBodyRecorder {
  /** UTF-8 strings are kept as they are (immutable, no copy); anything else as copied bytes. */
  private chunks: Array<string | Buffer> = [];
  private size = 0;
  /** Total bytes written by the host (also past the limit). */
  total = 0;
  truncated = false;

  constructor(res: ServerResponse, private readonly limit: number) {
    const originalWrite = res.write;
    const originalEnd = res.end;
    const self = this;
    // `arguments` + apply: forwards exactly what the host passed, without rest/spread copies.
    res.write = function (this: ServerResponse, chunk: unknown, encoding?: unknown) {
      self.collect(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined);
      return (originalWrite as (...args: unknown[]) => boolean).apply(this, arguments as unknown as unknown[]);
    } as typeof res.write;
    res.end = function (this: ServerResponse, chunk?: unknown, encoding?: unknown) {
      if (chunk !== undefined && typeof chunk !== 'function') {
        self.collect(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined);
      }
      return (originalEnd as (...args: unknown[]) => ServerResponse).apply(this, arguments as unknown as unknown[]);
    } as typeof res.end;
  }

  private collect(chunk: unknown, encoding?: BufferEncoding): void {
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
      this.keep(buf, true);
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
   * The captured body: JSON text (a JsonText, parsed only when read back) for a complete JSON
   * response, text for other text types, a short description of binary data.
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
    return !this.truncated && type.includes('json') ? new JsonText(text) : text;
  }
}
