import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import { createScenarioApp } from './support/scenario-app.js';
import { startRedisServer, type RedisServer } from '../libs/active-tracker/test/support/redis-server.js';

/** A small seeded PRNG so a failure can be replayed (the seed is in the test name). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY = [
  '',
  ' ',
  '%',
  '%00',
  '%ff',
  '..',
  '../../etc/passwd',
  ':',
  '::',
  'a:',
  ':b',
  '[]',
  '{}',
  '\u0000',
  '😀',
  "'",
  '"',
  '<script>',
  '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  '01arz3ndektsv4rrffq69g5fav',
  '-1',
  '0',
  '1e9',
  'NaN',
  'Infinity',
  'x'.repeat(600),
  'true',
  'null',
];
const PARAMS = [
  'type',
  'tag',
  'family',
  'batch',
  'q',
  'before',
  'limit',
  'unknown',
  'limit[]',
  '__proto__',
  'constructor',
  'method',
  'path',
  'status',
  'minDurationMs',
  'level',
  'range',
];
const PATHS = [
  'entries',
  'entries/',
  'entries/%zz',
  'entries/01ARZ3NDEKTSV4RRFFQ69G5FAV',
  'entries/..%2F..',
  'exceptions/families',
  'stats',
  'meta',
  'nothing',
  '',
  '%2e%2e/%2e%2e',
  'entries/a/b',
  'overview',
  'recording',
  'exceptions/families/0123456789abcdef',
  'exceptions/families/%zz',
];
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

describe('tracker API fuzz: generated calls never get a 5xx and never disturb the host', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => redis?.stop());

  for (const [store, seed] of [
    ['memory', 1],
    ['redis', 2],
  ] as const) {
    it(`answers every generated call with a non-5xx status (${store}, seed ${seed})`, async () => {
      const app: INestApplication = await createScenarioApp({ tracker: store === 'redis' ? { redis: redis.url, keyPrefix: `fuzz${seed}:` } : {} });
      try {
        const server = app.getHttpServer();
        await request(server).get('/things/boom');
        await request(server).get('/things?q=1');
        const random = prng(seed);
        const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
        for (let i = 0; i < 300; i++) {
          const params = Array.from({ length: Math.floor(random() * 4) }, () => `${encodeURIComponent(pick(PARAMS))}=${encodeURIComponent(pick(NASTY))}`);
          const path = `/activetracker/api/${pick(PATHS)}${params.length ? `?${params.join('&')}` : ''}`;
          const method = pick(METHODS);
          const res = await (request(server) as any)[method](path);
          if (res.status >= 500) throw new Error(`${method.toUpperCase()} ${path} answered ${res.status}: ${res.text}`);
          if (res.status >= 400 && method !== 'head') {
            expect(res.body.statusCode).toBe(res.status);
            expect(res.body.message).toBeTruthy();
          }
        }
        // The host was not disturbed.
        await request(server).get('/things').expect(200);
      } finally {
        await app.close();
      }
    }, 60_000);
  }
});
