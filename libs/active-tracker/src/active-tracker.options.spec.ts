import { Cluster, Redis } from 'ioredis';
import {
  ActiveTrackerModuleOptions,
  ActiveTrackerOptionsError,
  DEFAULT_BUFFER_MAX_BYTES,
  DEFAULT_KEY_PREFIX,
  DEFAULT_MAX_AGE_MS,
  DEFAULT_MAX_ENTRIES_PER_TYPE,
  DEFAULT_MOUNTPOINT,
  resolveOptions,
} from './active-tracker.options.js';
import { defaultPlugins } from './plugins/default-plugins.js';
import type { ActiveTrackerPlugin } from './plugins/plugin.js';
import { exceptions } from './plugins/exceptions/exceptions.plugin.js';
import { requests } from './plugins/requests/requests.plugin.js';
import { DEFAULT_SENSITIVE_KEYS } from './recorder/sensitive-keys.js';

/** A minimal plugin object (plugins are plain objects with a name and an entry type). */
function plugin(name: string, problems: string[] = []): ActiveTrackerPlugin {
  return { name, entryType: name, validate: () => problems };
}

/** Resolves `input` expecting a failure; returns the listed problems. */
function problemsOf(input: unknown): string[] {
  try {
    resolveOptions(input as ActiveTrackerModuleOptions, defaultPlugins);
  } catch (error) {
    expect(error).toBeInstanceOf(ActiveTrackerOptionsError);
    expect((error as Error).name).toBe('ActiveTrackerOptionsError');
    return (error as ActiveTrackerOptionsError).problems;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe('resolveOptions: defaults', () => {
  it('fills every default when no options are given', () => {
    for (const input of [undefined, {}]) {
      const o = resolveOptions(input, defaultPlugins);
      expect(o.enabled).toBe(true);
      expect(o.mountpoint).toBe(DEFAULT_MOUNTPOINT);
      expect(DEFAULT_MOUNTPOINT).toBe('activetracker');
      expect(o.redis).toBeUndefined();
      expect(o.keyPrefix).toBe(DEFAULT_KEY_PREFIX);
      expect(o.perPage).toBe(50);
      expect(o.retention).toEqual({ maxAgeMs: DEFAULT_MAX_AGE_MS, maxEntriesPerType: DEFAULT_MAX_ENTRIES_PER_TYPE, types: {} });
      expect(DEFAULT_MAX_AGE_MS).toBe(7 * 24 * 3600 * 1000);
      expect(o.authentication).toBeUndefined();
      expect(o.authorize).toBeUndefined();
      // The module's default plugin list (it grows with later issues) always has requests and exceptions.
      expect(o.plugins.map((p) => p.name)).toEqual(defaultPlugins().map((p) => p.name));
      expect(o.plugins.map((p) => p.name)).toEqual(expect.arrayContaining(['requests', 'exceptions']));
      expect(o.sensitiveKeys).toEqual([...DEFAULT_SENSITIVE_KEYS]);
      expect(o.maxPayloadBytes).toBe(64 * 1024);
      expect(o.buffer).toEqual({ maxEntries: 10_000, maxBytes: DEFAULT_BUFFER_MAX_BYTES, flushIntervalMs: 100, flushBatchSize: 500, flushBytes: 512 * 1024 });
      expect(DEFAULT_BUFFER_MAX_BYTES).toBe(8 * 1024 * 1024);
      expect(o.batches).toEqual({ graceMs: 20, maxDrafts: 1000 });
      expect(o.sampling).toEqual({ rate: 1, keepSlowerThanMs: 1000 });
      expect(o.encryption).toBeUndefined();
      expect(DEFAULT_KEY_PREFIX).toBe('{activetracker}:');
      expect(o.filter).toBeUndefined();
    }
  });

  it('keeps valid values and fills the missing parts of nested objects', () => {
    const authorize = (): boolean => true;
    const filter = (): boolean => false;
    const mine = [plugin('a'), plugin('b')];
    const o = resolveOptions(
      {
        enabled: false,
        mountpoint: 'admin/tracker',
        redis: 'redis://localhost:6390/2',
        keyPrefix: 'x:',
        perPage: 1000,
        retention: { maxEntriesPerType: 5 },
        authentication: 'admin:pa:ss',
        authorize,
        plugins: mine,
        sensitiveKeys: ['ssn'],
        maxPayloadBytes: 1,
        buffer: { flushIntervalMs: 7 },
        filter,
      },
      () => {
        throw new Error('defaultPlugins must not be called when plugins are given');
      },
    );
    expect(o.enabled).toBe(false);
    expect(o.mountpoint).toBe('admin/tracker');
    expect(o.redis).toBe('redis://localhost:6390/2');
    expect(o.keyPrefix).toBe('x:');
    expect(o.perPage).toBe(1000);
    expect(o.retention).toEqual({ maxAgeMs: DEFAULT_MAX_AGE_MS, maxEntriesPerType: 5, types: {} });
    // The password is everything after the first colon.
    expect(o.authentication).toEqual({ user: 'admin', password: 'pa:ss' });
    expect(o.authorize).toBe(authorize);
    expect(o.plugins).toBe(mine);
    expect(o.sensitiveKeys).toEqual(['ssn']);
    expect(o.maxPayloadBytes).toBe(1);
    expect(o.buffer).toEqual({ maxEntries: 10_000, maxBytes: DEFAULT_BUFFER_MAX_BYTES, flushIntervalMs: 7, flushBatchSize: 500, flushBytes: 512 * 1024 });
    expect(o.filter).toBe(filter);
  });

  it('accepts a unix socket path, rediss:// URLs, ioredis options and an ioredis instance', () => {
    expect(resolveOptions({ redis: '/var/run/redis.sock' }, defaultPlugins).redis).toBe('/var/run/redis.sock');
    expect(resolveOptions({ redis: 'rediss://h:1' }, defaultPlugins).redis).toBe('rediss://h:1');
    const opts = { host: '127.0.0.1', port: 1 };
    expect(resolveOptions({ redis: opts }, defaultPlugins).redis).toBe(opts);
    const client = new Redis({ lazyConnect: true });
    try {
      expect(resolveOptions({ redis: client }, defaultPlugins).redis).toBe(client);
    } finally {
      client.disconnect();
    }
  });

  it('uses the supplied default plugin factory when plugins are absent, and a fresh list each time', () => {
    let calls = 0;
    const defaults = (): ActiveTrackerPlugin[] => (calls++, [plugin('a'), plugin('b')]);
    const first = resolveOptions({}, defaults);
    const second = resolveOptions({ plugins: undefined }, defaults);
    expect(first.plugins.map((p) => p.name)).toEqual(['a', 'b']);
    expect(second.plugins).not.toBe(first.plugins);
    expect(calls).toBe(2);
    expect(resolveOptions({ plugins: [] }, defaults).plugins).toEqual([]);
    expect(calls).toBe(2);
  });

  it('does not share default objects between calls', () => {
    const a = resolveOptions({}, defaultPlugins);
    a.buffer.maxEntries = 1;
    a.retention.maxAgeMs = 1;
    a.sensitiveKeys.push('mutated');
    const b = resolveOptions({}, defaultPlugins);
    expect(b.buffer.maxEntries).toBe(10_000);
    expect(b.retention.maxAgeMs).toBe(DEFAULT_MAX_AGE_MS);
    expect(b.sensitiveKeys).not.toContain('mutated');
  });
});

describe('resolveOptions: capture core v2 options', () => {
  const KEY = Buffer.alloc(32, 7);

  it('bounds the write buffer in bytes; a write starts at a quarter of the byte bound at most', () => {
    expect(resolveOptions({ buffer: { maxBytes: 1024 * 1024 } }, defaultPlugins).buffer).toMatchObject({ maxBytes: 1024 * 1024, flushBytes: 256 * 1024 });
    expect(resolveOptions({ buffer: { maxBytes: 64 * 1024 } }, defaultPlugins).buffer).toMatchObject({ maxBytes: 64 * 1024, flushBytes: 16 * 1024 });
    expect(resolveOptions({ buffer: { maxBytes: 64 * 1024 * 1024 } }, defaultPlugins).buffer).toMatchObject({ flushBytes: 512 * 1024 });
    expect(problemsOf({ buffer: { maxBytes: 65535 } })).toEqual([expect.stringContaining('"buffer.maxBytes" must be at least 65536')]);
    expect(problemsOf({ buffer: { maxBytes: 1.5 } })).toEqual([expect.stringContaining('"buffer.maxBytes"')]);
  });

  it("reads batches.graceMs (0..10000) and batches.maxEntries (1..100000, the recorder's maxDrafts)", () => {
    expect(resolveOptions({ batches: { graceMs: 0, maxEntries: 5 } }, defaultPlugins).batches).toEqual({ graceMs: 0, maxDrafts: 5 });
    expect(resolveOptions({ batches: { graceMs: 10_000 } }, defaultPlugins).batches).toEqual({ graceMs: 10_000, maxDrafts: 1000 });
    for (const [input, named] of [
      [{ batches: 3 }, '"batches"'],
      [{ batches: null }, '"batches"'],
      [{ batches: { graceMs: -1 } }, '"batches.graceMs"'],
      [{ batches: { graceMs: 10_001 } }, '"batches.graceMs"'],
      [{ batches: { graceMs: 2.5 } }, '"batches.graceMs"'],
      [{ batches: { maxEntries: 0 } }, '"batches.maxEntries"'],
      [{ batches: { maxEntries: 100_001 } }, '"batches.maxEntries"'],
    ] as const) {
      expect(problemsOf(input)).toEqual([expect.stringContaining(named)]);
    }
  });

  it('reads sampling: rate in (0, 1], keepSlowerThanMs (null disables the rule), a keep function', () => {
    const keep = (): boolean => true;
    expect(resolveOptions({ sampling: { rate: 0.25, keepSlowerThanMs: null, keep } }, defaultPlugins).sampling).toEqual({
      rate: 0.25,
      keepSlowerThanMs: null,
      keep,
    });
    expect(resolveOptions({ sampling: { keepSlowerThanMs: 50 } }, defaultPlugins).sampling).toEqual({ rate: 1, keepSlowerThanMs: 50 });
    for (const [input, named] of [
      [{ sampling: 'half' }, '"sampling"'],
      [{ sampling: { rate: 0 } }, '"sampling.rate"'],
      [{ sampling: { rate: 1.01 } }, '"sampling.rate"'],
      [{ sampling: { rate: '0.5' } }, '"sampling.rate"'],
      [{ sampling: { keepSlowerThanMs: 0 } }, '"sampling.keepSlowerThanMs"'],
      [{ sampling: { keep: true } }, '"sampling.keep"'],
    ] as const) {
      expect(problemsOf(input)).toEqual([expect.stringContaining(named)]);
    }
  });

  it('reads retention.types and validates each override', () => {
    const o = resolveOptions({ retention: { types: { log: { maxAgeMs: 1000 }, llm: { maxEntriesPerType: 5 } } } }, defaultPlugins);
    expect(o.retention.types).toEqual({ log: { maxAgeMs: 1000 }, llm: { maxEntriesPerType: 5 } });
    expect(problemsOf({ retention: { types: [] } })).toEqual([expect.stringContaining('"retention.types"')]);
    expect(problemsOf({ retention: { types: { log: 3 } } })).toEqual([expect.stringContaining('"retention.types.log"')]);
    expect(problemsOf({ retention: { types: { log: { maxAgeMs: 0 } } } })).toEqual([expect.stringContaining('"retention.types.log.maxAgeMs"')]);
    expect(problemsOf({ retention: { types: { log: { maxAge: 5 } } } })).toEqual([expect.stringContaining('"maxAge"')]);
  });

  it('accepts a valid encryption option as given and lists every problem of an invalid one', () => {
    const encryption = { keys: { k1: KEY, k2: KEY.toString('hex'), k3: KEY.toString('base64') }, currentKeyId: 'k2', fields: { llm: ['prompt'] } };
    expect(resolveOptions({ encryption }, defaultPlugins).encryption).toBe(encryption);
    const problems = problemsOf({
      encryption: { keys: { 'bad id!': KEY, short: Buffer.alloc(16) }, currentKeyId: 'nope', fields: { llm: 'prompt' }, canDecrypt: 1 },
    });
    expect(problems).toEqual([
      expect.stringContaining('key id "bad id!"'),
      expect.stringContaining('"encryption.keys.short" must be 32 bytes'),
      expect.stringContaining('"encryption.currentKeyId"'),
      expect.stringContaining('"encryption.canDecrypt"'),
      expect.stringContaining('"encryption.fields.llm"'),
    ]);
  });

  it('needs a hash tag in keyPrefix on Redis Cluster (the default one has it); a single server does not', () => {
    const cluster = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true });
    const single = new Redis({ lazyConnect: true });
    try {
      expect(resolveOptions({ redis: cluster }, defaultPlugins).keyPrefix).toBe('{activetracker}:');
      expect(resolveOptions({ redis: cluster, keyPrefix: 'app:{at}:' }, defaultPlugins).keyPrefix).toBe('app:{at}:');
      expect(problemsOf({ redis: cluster, keyPrefix: 'activetracker:' })).toEqual([expect.stringContaining('hash tag')]);
      expect(problemsOf({ redis: cluster, keyPrefix: 'at:{}:' })).toEqual([expect.stringContaining('hash tag')]);
      expect(resolveOptions({ redis: single, keyPrefix: 'activetracker:' }, defaultPlugins).keyPrefix).toBe('activetracker:');
    } finally {
      cluster.disconnect();
      single.disconnect();
    }
  });
});

describe('resolveOptions: mountpoint normalisation', () => {
  it.each([
    ['activetracker', 'activetracker'],
    ['/activetracker', 'activetracker'],
    ['activetracker/', 'activetracker'],
    ['/admin/tracker/', 'admin/tracker'],
    ['admin/tracker', 'admin/tracker'],
    ['a-b_c.d~e', 'a-b_c.d~e'],
  ])('%j -> %j', (input, expected) => {
    expect(resolveOptions({ mountpoint: input }, defaultPlugins).mountpoint).toBe(expected);
  });

  it.each(['', '/', '//', 'a//b', 'with space', 'a?b=1', 'a#b', '../x', 'a/./b', '.', '..', 'ünïcode', 'a\\b'])('rejects %j', (input) => {
    const problems = problemsOf({ mountpoint: input });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('"mountpoint"');
  });

  it('rejects a non-string mountpoint', () => {
    expect(problemsOf({ mountpoint: 42 })).toEqual([expect.stringContaining('"mountpoint"')]);
  });
});

describe('resolveOptions: validation', () => {
  // Each invalid value must produce exactly one problem that names the option.
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['enabled', { enabled: 'yes' }, '"enabled"'],
    ['redis number', { redis: 6379 }, '"redis"'],
    ['redis null', { redis: null }, '"redis"'],
    ['redis bad URL', { redis: 'localhost:6379' }, '"redis"'],
    ['redis http URL', { redis: 'http://localhost' }, '"redis"'],
    ['redis promise', { redis: Promise.resolve({}) }, '"redis"'],
    ['keyPrefix empty', { keyPrefix: '' }, '"keyPrefix"'],
    ['keyPrefix number', { keyPrefix: 3 }, '"keyPrefix"'],
    ['perPage 0', { perPage: 0 }, '"perPage"'],
    ['perPage 1001', { perPage: 1001 }, '"perPage"'],
    ['perPage float', { perPage: 2.5 }, '"perPage"'],
    ['perPage string', { perPage: '50' }, '"perPage"'],
    ['retention not object', { retention: 5 }, '"retention"'],
    ['retention null', { retention: null }, '"retention"'],
    ['retention.maxAgeMs', { retention: { maxAgeMs: -1 } }, '"retention.maxAgeMs"'],
    ['retention.maxEntriesPerType', { retention: { maxEntriesPerType: 0 } }, '"retention.maxEntriesPerType"'],
    ['authentication no colon', { authentication: 'admin' }, '"authentication"'],
    ['authentication empty user', { authentication: ':pw' }, '"authentication"'],
    ['authentication empty password', { authentication: 'admin:' }, '"authentication"'],
    ['authentication not string', { authentication: { user: 'a', password: 'b' } }, '"authentication"'],
    ['authorize', { authorize: true }, '"authorize"'],
    ['plugins not array', { plugins: requests() }, '"plugins"'],
    ['plugins item', { plugins: [requests(), 'exceptions'] }, '"plugins[1]"'],
    ['plugins null item', { plugins: [null] }, '"plugins[0]"'],
    ['plugins duplicate', { plugins: [requests(), requests()] }, '"plugins[1]"'],
    ['sensitiveKeys not array', { sensitiveKeys: 'password' }, '"sensitiveKeys"'],
    ['sensitiveKeys empty string', { sensitiveKeys: ['ok', ''] }, '"sensitiveKeys"'],
    ['maxPayloadBytes', { maxPayloadBytes: 0 }, '"maxPayloadBytes"'],
    ['buffer not object', { buffer: 'big' }, '"buffer"'],
    ['buffer.maxEntries', { buffer: { maxEntries: 0 } }, '"buffer.maxEntries"'],
    ['buffer.flushIntervalMs', { buffer: { flushIntervalMs: 1.5 } }, '"buffer.flushIntervalMs"'],
    ['buffer.flushBatchSize', { buffer: { flushBatchSize: -3 } }, '"buffer.flushBatchSize"'],
    ['buffer.maxBytes', { buffer: { maxBytes: 0 } }, '"buffer.maxBytes"'],
    ['encryption not object', { encryption: 'k' }, '"encryption"'],
    ['filter', { filter: 'request' }, '"filter"'],
  ];
  it.each(cases)('%s', (_label, input, named) => {
    const problems = problemsOf(input);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(named);
  });

  it('lists every problem in ONE error, in a readable message', () => {
    let caught: unknown;
    try {
      resolveOptions(
        {
          enabled: 1,
          mountpoint: 'a b',
          perPage: -1,
          authentication: 'nocolon',
          buffer: { maxEntries: 'x', flushBatchSize: 0 },
          filter: 3,
          colour: 'blue',
        } as unknown as ActiveTrackerModuleOptions,
        defaultPlugins,
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ActiveTrackerOptionsError);
    const error = caught as ActiveTrackerOptionsError;
    expect(error.problems).toHaveLength(8);
    for (const name of [
      '"colour"',
      '"enabled"',
      '"mountpoint"',
      '"perPage"',
      '"authentication"',
      '"buffer.maxEntries"',
      '"buffer.flushBatchSize"',
      '"filter"',
    ]) {
      expect(error.problems.some((p) => p.includes(name))).toBe(true);
      expect(error.message).toContain(name);
    }
    expect(error.message.split('\n')[0]).toBe('Invalid ActiveTracker options:');
    expect(error.message.split('\n')).toHaveLength(9);
  });

  it('reports unknown keys (typos) but ignores unknown keys set to undefined', () => {
    expect(problemsOf({ mountPoint: 'x', perpage: 3 })).toEqual(['unknown option "mountPoint"', 'unknown option "perpage"']);
    expect(() => resolveOptions({ mountPoint: undefined } as ActiveTrackerModuleOptions, defaultPlugins)).not.toThrow();
  });

  it('includes the problems of each plugin validate(), named by plugin', () => {
    const problems = problemsOf({
      perPage: 0,
      plugins: [
        requests({ maxBodyBytes: -1, filters: ['/ok', 3 as unknown as string] }),
        exceptions({ filters: 'Error' as unknown as string[] }),
        plugin('custom', ['"x" is wrong']),
      ],
    });
    expect(problems).toEqual([
      expect.stringContaining('"perPage"'),
      'plugin "requests": "filters" must be an array of strings and RegExps',
      'plugin "requests": "maxBodyBytes" must be a positive integer',
      'plugin "exceptions": "filters" must be an array',
      'plugin "custom": "x" is wrong',
    ]);
  });

  it('validates the default plugins too', () => {
    const problems = problemsOf({ plugins: undefined, perPage: 0 });
    expect(problems).toHaveLength(1);
    const broken = (): ActiveTrackerPlugin[] => [plugin('d', ['bad default'])];
    expect(() => resolveOptions({}, broken)).toThrow(/plugin "d": bad default/);
  });

  it('reports a plugin whose validate() throws as a problem instead of crashing', () => {
    const throwing: ActiveTrackerPlugin = {
      name: 'fragile',
      entryType: 'fragile',
      validate: () => {
        throw new Error('kaboom');
      },
    };
    const problems = problemsOf({ plugins: [throwing], perPage: 0 });
    expect(problems).toHaveLength(2);
    expect(problems[1]).toContain('plugin "fragile"');
    expect(problems[1]).toContain('kaboom');
  });

  it('rejects options that are not an object', () => {
    for (const input of ['activetracker', 42, [], () => undefined]) {
      expect(problemsOf(input)).toEqual(['options must be an object']);
    }
  });
});

describe('resolveOptions: empty environment variables', () => {
  it('treats an empty redis URL or credentials as not set (REDIS_URL= in a .env file)', () => {
    const o = resolveOptions({ redis: '', authentication: '' }, defaultPlugins);
    expect(o.redis).toBeUndefined();
    expect(o.authentication).toBeUndefined();
  });
});

describe('resolveOptions: live dashboard options', () => {
  it('defaults live to a 15 s heartbeat, 50 streams per instance and a 5 s recording refresh, and keeps valid values', () => {
    expect(resolveOptions({}, defaultPlugins).live).toEqual({ heartbeatMs: 15_000, maxConnections: 50, recordingRefreshMs: 5000 });
    expect(resolveOptions({ live: { heartbeatMs: 50, maxConnections: 2 } }, defaultPlugins).live).toEqual({
      heartbeatMs: 50,
      maxConnections: 2,
      recordingRefreshMs: 5000,
    });
  });

  it('names every invalid live option at boot', () => {
    expect(problemsOf({ live: 'fast' })).toEqual(['"live" must be an object { heartbeatMs?, maxConnections?, recordingRefreshMs? }']);
    const problems = problemsOf({ live: { heartbeatMs: 0, maxConnections: 1.5, recordingRefreshMs: 'soon', beat: 1 } });
    expect(problems).toEqual([
      '"live.heartbeatMs" must be an integer from 10 to 3600000 (milliseconds)',
      '"live.maxConnections" must be an integer from 1 to 10000 (streams)',
      '"live.recordingRefreshMs" must be an integer from 10 to 3600000 (milliseconds)',
      '"live": unknown option(s) "beat"',
    ]);
  });
});
