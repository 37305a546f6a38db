import type { ServerResponse } from 'node:http';

/**
 * Copies what the host writes to the response, up to `limit` bytes, without changing a byte of it:
 * `write`/`end` are wrapped on this one response object and always forward their arguments as-is.
 */
export class ResponseBodyRecorder {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Total bytes written by the host (also past the limit). */
  total = 0;
  truncated = false;

  constructor(res: ServerResponse, private readonly limit: number) {
    const originalWrite = res.write;
    const originalEnd = res.end;
    const self = this;
    res.write = function (this: ServerResponse, chunk: any, ...rest: any[]) {
      self.collect(chunk, typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : undefined);
      return (originalWrite as any).call(this, chunk, ...rest);
    } as typeof res.write;
    res.end = function (this: ServerResponse, chunk?: any, ...rest: any[]) {
      if (chunk !== undefined && typeof chunk !== 'function') {
        self.collect(chunk, typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : undefined);
      }
      return (originalEnd as any).call(this, chunk, ...rest);
    } as typeof res.end;
  }

  private collect(chunk: unknown, encoding?: BufferEncoding): void {
    try {
      if (chunk === null || chunk === undefined) return;
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
      const room = this.limit - this.size;
      const piece = buf.length > room ? buf.subarray(0, room) : buf;
      if (piece !== buf) this.truncated = true;
      this.chunks.push(Buffer.from(piece)); // copy: the host may reuse its buffer
      this.size += piece.length;
    } catch {
      /* capture never breaks the response */
    }
  }

  /** The captured body as JSON (when it parses), text, or a short description of binary data. */
  body(contentType: string | undefined): unknown {
    if (this.total === 0) return null;
    const buf = Buffer.concat(this.chunks);
    const type = (contentType ?? '').toLowerCase();
    const texty = type === '' || /json|text|xml|javascript|html|csv|x-www-form-urlencoded/.test(type);
    if (!texty) return `[binary ${type || 'data'}, ${this.total} bytes]`;
    const text = buf.toString('utf8');
    if (!this.truncated && type.includes('json')) {
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    }
    return text;
  }
}
