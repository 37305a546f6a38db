import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { JsonText } from '../../entries/json-text.js';
import { ResponseBodyRecorder } from './response-body.recorder.js';

type Handler = (res: ServerResponse, req: IncomingMessage) => void;

interface Served {
  status: number;
  headers: IncomingMessage['headers'];
  /** Exactly the bytes the client received. */
  bytes: Buffer;
  recorder: ResponseBodyRecorder;
}

let server: Server;
let port: number;
let nextHandler: { limit: number; handle: Handler; recorder?: ResponseBodyRecorder; before?: (res: ServerResponse) => void } | null = null;

beforeAll(async () => {
  server = createServer((req, res) => {
    const current = nextHandler!;
    current.before?.(res);
    current.recorder = new ResponseBodyRecorder(res, current.limit);
    current.handle(res, req);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** One real HTTP round trip through a server whose response is recorded with `limit`. */
function serve(limit: number, handle: Handler, method = 'GET', before?: (res: ServerResponse) => void): Promise<Served> {
  nextHandler = { limit, handle, before };
  const current = nextHandler;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: '/', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks), recorder: current.recorder! }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('ResponseBodyRecorder on a real node:http server', () => {
  it('forwards every write unchanged and captures the same bytes (strings, encodings, Buffers, Uint8Arrays)', async () => {
    const expected = Buffer.concat([
      Buffer.from('héllo '),
      Buffer.from('cafe', 'hex'),
      Buffer.from([0, 1, 2, 255]),
      Buffer.from(new Uint8Array([10, 20, 30])),
      Buffer.from('aGk=', 'base64'),
      Buffer.from(' end€'),
    ]);
    const writeResults: boolean[] = [];
    let endReturned: unknown;
    let callbackCalled = false;
    const served = await serve(1024, (res) => {
      res.setHeader('content-type', 'application/octet-stream');
      writeResults.push(res.write('héllo '));
      writeResults.push(res.write('cafe', 'hex'));
      writeResults.push(res.write(Buffer.from([0, 1, 2, 255])));
      const view = new Uint8Array(new ArrayBuffer(16), 4, 3);
      view.set([10, 20, 30]);
      writeResults.push(res.write(view));
      writeResults.push(res.write('aGk=', 'base64', () => (callbackCalled = true)));
      endReturned = res.end(' end€', 'utf8');
      expect(endReturned).toBe(res);
    });
    expect(served.bytes.equals(expected)).toBe(true);
    expect(writeResults).toEqual([true, true, true, true, true]);
    expect(callbackCalled).toBe(true);
    expect(served.recorder.total).toBe(expected.length);
    expect(served.recorder.truncated).toBe(false);
    // Binary content types are described, not stored.
    expect(served.recorder.body('application/octet-stream')).toBe(`[binary application/octet-stream, ${expected.length} bytes]`);
    // The same capture read as text is the exact bytes.
    expect(served.recorder.body('text/plain')).toBe(expected.toString('utf8'));
  });

  it('keeps only `limit` bytes, marks truncated, and still sends everything', async () => {
    const big = Buffer.alloc(300_000);
    for (let i = 0; i < big.length; i++) big[i] = 97 + (i % 26);
    const served = await serve(1000, (res) => {
      res.setHeader('content-type', 'text/plain');
      res.write(big.subarray(0, 600));
      res.write(big.subarray(600, 150_000));
      res.end(big.subarray(150_000));
    });
    expect(served.bytes.equals(big)).toBe(true);
    expect(served.recorder.total).toBe(big.length);
    expect(served.recorder.truncated).toBe(true);
    const text = served.recorder.body('text/plain') as string;
    expect(text).toBe(big.subarray(0, 1000).toString('utf8'));
  });

  // v2: a complete JSON body is handed over as JsonText (the text as sent), parsed and checked by
  // the recorder's serializer only after the response, instead of parsed here on the request's tick.
  it('returns JSON bodies as JsonText: the exact text sent (any JSON content type, with charset)', async () => {
    const payload = { id: 7, name: 'Ann', tags: ['a', 'b'], nested: { ok: true } };
    const served = await serve(64 * 1024, (res) => {
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(payload));
    });
    expect(JSON.parse(served.bytes.toString())).toEqual(payload);
    for (const type of [served.headers['content-type'], 'application/problem+json', 'APPLICATION/JSON']) {
      const body = served.recorder.body(type);
      expect(body).toBeInstanceOf(JsonText);
      expect((body as JsonText).text).toBe(served.bytes.toString());
      expect(JSON.parse((body as JsonText).text)).toEqual(payload);
      // written with res.end: no source value
      expect((body as JsonText).source).toBeUndefined();
    }
  });

  it("keeps the value passed to Express's res.json() as the JsonText source, and the bytes unchanged", async () => {
    const payload = { id: 8, items: [1, 2, 3] };
    let jsonReturned: unknown;
    const served = await serve(
      64 * 1024,
      (res) => {
        jsonReturned = (res as ServerResponse & { json(v: unknown): unknown }).json(payload);
      },
      'GET',
      (res) => {
        // What express does: serialize, set the type, end with a Buffer of its own.
        (res as ServerResponse & { json(v: unknown): unknown }).json = function (this: ServerResponse, value: unknown) {
          this.setHeader('content-type', 'application/json; charset=utf-8');
          this.end(Buffer.from(JSON.stringify(value)));
          return this;
        };
      },
    );
    expect(served.bytes.toString()).toBe(JSON.stringify(payload));
    expect(jsonReturned).toBeDefined();
    const body = served.recorder.body(served.headers['content-type']) as JsonText;
    expect(body).toBeInstanceOf(JsonText);
    expect(body.source).toBe(payload);
    expect(body.text).toBe(JSON.stringify(payload));
  });

  it('keeps truncated JSON as plain text, and hands invalid complete JSON over as JsonText (the serializer stores it as a string)', async () => {
    const payload = JSON.stringify({ list: Array.from({ length: 100 }, (_, i) => i) });
    const truncated = await serve(20, (res) => res.end(payload));
    expect(truncated.recorder.truncated).toBe(true);
    // Cut JSON stays JSON text, marked incomplete: the serializer redacts it before storing it as a string.
    expect(truncated.recorder.body('application/json')).toEqual(new JsonText(payload.slice(0, 20), undefined, false));

    const invalid = await serve(1000, (res) => res.end('{not json'));
    expect(invalid.recorder.body('application/json')).toEqual(new JsonText('{not json'));
  });

  it('treats a missing content type as text and describes binary types with their size', async () => {
    const served = await serve(10, (res) => res.end('plain words here'));
    expect(served.recorder.body(undefined)).toBe('plain word');
    expect(served.recorder.body('')).toBe('plain word');
    expect(served.recorder.body('IMAGE/PNG')).toBe('[binary image/png, 16 bytes]');
    for (const type of ['text/html', 'application/xml', 'image/svg+xml', 'text/csv', 'application/javascript', 'application/x-www-form-urlencoded']) {
      expect(served.recorder.body(type)).toBe('plain word');
    }
  });

  it('returns null when nothing was written (end() without data, end(callback))', async () => {
    let ended = false;
    const empty = await serve(100, (res) => {
      res.statusCode = 204;
      res.end(() => (ended = true));
    });
    expect(empty.status).toBe(204);
    expect(ended).toBe(true);
    expect(empty.recorder.total).toBe(0);
    expect(empty.recorder.body('application/json')).toBeNull();

    const bare = await serve(100, (res) => res.end());
    expect(bare.recorder.body('text/plain')).toBeNull();
  });

  it('does not mark a body truncated when it is exactly `limit` bytes, even with an empty final write', async () => {
    const served = await serve(5, (res) => {
      res.write('12345');
      res.end('');
    });
    expect(served.bytes.toString()).toBe('12345');
    expect(served.recorder.truncated).toBe(false);
    expect(served.recorder.body('application/json')).toEqual(new JsonText('12345'));
  });

  it('copies captured chunks, so a host reusing its buffer does not change the capture', async () => {
    const served = await serve(100, (res) => {
      const buf = Buffer.from('first');
      res.write(buf);
      buf.write('XXXXX');
      res.end();
    });
    // (What the client gets then is up to Node's own buffering; the capture is taken at write time.)
    expect(served.recorder.body('text/plain')).toBe('first');
  });

  it('captures streamed (piped) responses', async () => {
    const parts = ['one,', 'two,', 'three'];
    const served = await serve(1000, (res) => {
      res.setHeader('content-type', 'text/csv');
      Readable.from(parts.map((p) => Buffer.from(p))).pipe(res);
    });
    expect(served.bytes.toString()).toBe('one,two,three');
    expect(served.recorder.body('text/csv')).toBe('one,two,three');
    expect(served.recorder.total).toBe(13);
  });

  it('sends a body with its Content-Length unchanged', async () => {
    const body = JSON.stringify({ ok: 'ü' });
    const served = await serve(1000, (res) => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('content-length', Buffer.byteLength(body));
      res.end(body);
    });
    expect(served.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(served.bytes.toString()).toBe(body);
    const captured = served.recorder.body('application/json') as JsonText;
    expect(captured).toBeInstanceOf(JsonText);
    expect(JSON.parse(captured.text)).toEqual({ ok: 'ü' });
  });
});
