/**
 * Every option of `ActiveTrackerModule.forRoot()`, as `npx @active-tracker/nestjs init` writes it
 * into the app's root module: one line of explanation (with the default) and one line of code,
 * commented out unless `active` is set. This catalogue is the single source of that text; its spec
 * fails when `ActiveTrackerModuleOptions` (or the option validator's KNOWN_KEYS) gains or loses a
 * key, and when a documented default no longer matches what `resolveOptions({})` resolves.
 *
 * No runtime import of the library here: the installer runs in the app's folder with only this
 * package's files and the app's own TypeScript.
 */

export interface CatalogueOption {
  /** Property name in the options object. */
  key: string;
  /** One line: what the option does, ending with its default ("Default: ..."). */
  doc: string;
  /**
   * Code after `key: ` on the (commented) line: the default when it can be written, else an
   * example. Strings use single quotes; the renderer switches to the file's quote style.
   */
  code?: string;
  /** Nested options (rendered as a commented object literal); `code` is then not used. */
  children?: CatalogueOption[];
  /** Written as an active line (not commented) with this code. */
  active?: string;
  /**
   * The default as a value, when `code` writes it: the spec evaluates `code` and compares both
   * with `resolveOptions({})`.
   */
  defaultValue?: unknown;
  /** Where the default sits in the resolved options when the path differs from the key path. */
  resolvedPath?: string;
}

export const OPTIONS_CATALOGUE: readonly CatalogueOption[] = [
  {
    key: 'enabled',
    doc: 'Master switch: when false nothing is captured and no route is served. Default: true.',
    code: 'true',
    defaultValue: true,
  },
  {
    key: 'mountpoint',
    doc: "Path of the dashboard and its API (under any global prefix). Default: 'activetracker'.",
    code: "'activetracker'",
    defaultValue: 'activetracker',
  },
  {
    key: 'redis',
    doc: 'Storage: a redis:// URL, ioredis options or an ioredis instance. Unset: the embedded, bounded in-memory store.',
    code: "'redis://localhost:6379/0'",
    active: 'process.env.REDIS_URL || undefined',
  },
  {
    key: 'keyPrefix',
    doc: "Prefix of every Redis key; on Redis Cluster it must keep a {hash tag}. Default: '{activetracker}:'.",
    code: "'{activetracker}:'",
    defaultValue: '{activetracker}:',
  },
  {
    key: 'perPage',
    doc: 'Default page size of the dashboard lists and the API (1 to 1000). Default: 50.',
    code: '50',
    defaultValue: 50,
  },
  {
    key: 'live',
    doc: 'The live dashboard: the stream of new entries and the recording (pause/resume) switch.',
    children: [
      {
        key: 'heartbeatMs',
        doc: 'Interval of the stream heartbeats that keep proxies from closing it. Default: 15 s.',
        code: '15_000',
        defaultValue: 15_000,
      },
      {
        key: 'maxConnections',
        doc: 'Most open live streams per app instance; more answer 429. Default: 50.',
        code: '50',
        defaultValue: 50,
      },
      {
        key: 'recordingRefreshMs',
        doc: 'How often an instance reads a pause/resume made on another instance. Default: 5 s.',
        code: '5000',
        defaultValue: 5000,
      },
    ],
  },
  {
    key: 'retention',
    doc: 'How long entries are kept.',
    children: [
      {
        key: 'maxAgeMs',
        doc: 'Entries older than this disappear. Default: 7 days.',
        code: '7 * 24 * 60 * 60 * 1000',
        defaultValue: 7 * 24 * 60 * 60 * 1000,
      },
      {
        key: 'maxEntriesPerType',
        doc: 'Per entry type, only the newest N are kept. Default: 10 000.',
        code: '10_000',
        defaultValue: 10_000,
      },
      {
        key: 'types',
        doc: 'Overrides per entry type ({ maxAgeMs?, maxEntriesPerType? }). Default: none.',
        code: '{ log: { maxAgeMs: 24 * 60 * 60 * 1000 } }',
      },
    ],
  },
  {
    key: 'authentication',
    doc: "'user:password' for HTTP Basic authentication of the dashboard and API (needed when NODE_ENV=production). Default: none.",
    code: "'admin:change-me'",
    active: 'process.env.ACTIVE_TRACKER_AUTH || undefined',
  },
  {
    key: 'authorize',
    doc: 'Your own access rule on the raw request; false answers 404. Default: none.',
    code: "(req) => req.ip === '127.0.0.1'",
  },
  {
    key: 'plugins',
    doc: "What is captured (import the plugins from '@active-tracker/nestjs'). Default: these six.",
    code: '[requests(), exceptions(), logs(), events(), httpClient(), queries()]',
  },
  {
    key: 'sensitiveKeys',
    doc: 'Key fragments whose values are redacted in headers, bodies and payloads (replaces the list). Default: password, token, secret, authorization, cookie, ...',
    code: "['password', 'token', 'secret', 'authorization', 'cookie']",
  },
  {
    key: 'maxPayloadBytes',
    doc: 'Longest string or body kept in an entry before truncation. Default: 64 KB.',
    code: '64 * 1024',
    defaultValue: 64 * 1024,
  },
  {
    key: 'buffer',
    doc: 'Entries waiting to be written, bounded while storage is slow or down.',
    children: [
      {
        key: 'maxEntries',
        doc: 'Entries kept waiting; beyond that new ones are dropped and counted. Default: 10 000.',
        code: '10_000',
        defaultValue: 10_000,
      },
      {
        key: 'maxBytes',
        doc: 'Bytes of serialized entries kept waiting (at least 64 KB). Default: 8 MB.',
        code: '8 * 1024 * 1024',
        defaultValue: 8 * 1024 * 1024,
      },
      {
        key: 'flushIntervalMs',
        doc: 'Longest wait before a write. Default: 100 ms.',
        code: '100',
        defaultValue: 100,
      },
      {
        key: 'flushBatchSize',
        doc: 'A write starts at once when this many entries wait. Default: 500.',
        code: '500',
        defaultValue: 500,
      },
    ],
  },
  {
    key: 'batches',
    doc: "How a request's (or job's) entries are grouped before they are written.",
    children: [
      {
        key: 'graceMs',
        doc: 'How long an ended batch waits for late entries (0 to 10000). Default: 20 ms.',
        code: '20',
        defaultValue: 20,
      },
      {
        key: 'maxEntries',
        doc: 'Most entries one batch keeps; more are dropped and counted. Default: 1000.',
        code: '1000',
        defaultValue: 1000,
        resolvedPath: 'batches.maxDrafts',
      },
    ],
  },
  {
    key: 'sampling',
    doc: 'Tail sampling per batch; batches with an exception, a 5xx or a slow response are always kept.',
    children: [
      {
        key: 'rate',
        doc: 'Share of ordinary batches kept whole, above 0 and at most 1. Default: 1 (keep everything).',
        code: '1',
        defaultValue: 1,
      },
      {
        key: 'keepSlowerThanMs',
        doc: 'Batches slower than this are always kept; null turns the rule off. Default: 1000 ms.',
        code: '1000',
        defaultValue: 1000,
      },
      {
        key: 'keep',
        doc: 'Your own rule: return true to always keep a batch. Default: none.',
        code: '(batch, drafts) => false',
      },
    ],
  },
  {
    key: 'encryption',
    doc: 'AES-256-GCM encryption at rest of chosen content fields per entry type. Default: none.',
    code: "{ keys: { k1: process.env.ACTIVE_TRACKER_KEY! }, fields: { request: ['body', 'responseBody'] } }",
  },
  {
    key: 'filter',
    doc: 'Last word on what is recorded: return false to drop an entry. Default: none.',
    code: "(draft) => draft.type !== 'log'",
  },
  {
    key: 'actor',
    doc: 'Who uses the dashboard, kept in audit trails. Default: the HTTP Basic user when authentication is set.',
    code: '(req) => req.user?.email ?? null',
  },
];

export interface RenderStyle {
  /** One level of indentation ('  ', '    ' or '\t'). */
  indent: string;
  /** Line break of the file. */
  newline: string;
  /** Quote of the file's string literals. */
  quote: "'" | '"';
}

export const DEFAULT_STYLE: RenderStyle = { indent: '  ', newline: '\n', quote: "'" };

/** Swaps single quotes for the file's quote style (catalogue code has no nested quotes). */
function quoted(code: string, quote: RenderStyle['quote']): string {
  return quote === "'" || code.includes('"') ? code : code.replace(/'/g, '"');
}

/** The option as code, uncommented: `key: code,` or a nested object whose children carry their docs. */
function codeLines(option: CatalogueOption, style: RenderStyle): string[] {
  if (!option.children) return [`${option.key}: ${quoted(option.code ?? 'undefined', style.quote)},`];
  const inner = option.children.flatMap((child) => [`// ${child.doc}`, ...codeLines(child, style)]);
  return [`${option.key}: {`, ...inner.map((line) => style.indent + line), '},'];
}

/** Explanation line, then the code: commented out, or active for the options read from the environment. */
function renderOption(option: CatalogueOption, style: RenderStyle, examples: boolean): string[] {
  if (examples) return [`// ${option.doc}`, ...codeLines(option, style)];
  const code = option.active !== undefined ? [`${option.key}: ${quoted(option.active, style.quote)},`] : codeLines(option, style).map((line) => `// ${line}`);
  return [`// ${option.doc}`, ...code];
}

/**
 * The options object literal written into `forRoot(...)`: `{`, one commented entry per option
 * (two active ones: redis and authentication, read from the environment), and `}` at `baseIndent`.
 * `examples`: every option active with its default or example instead (the spec type-checks that).
 */
export function renderOptionsObject(style: RenderStyle = DEFAULT_STYLE, baseIndent = '', examples = false): string {
  const inner = OPTIONS_CATALOGUE.flatMap((option) => renderOption(option, style, examples)).map((line) => baseIndent + style.indent + line);
  return ['{', ...inner, `${baseIndent}}`].join(style.newline);
}

/** `ActiveTrackerModule.forRoot({ ... })` as inserted into an `imports` array. */
export function renderForRoot(localName: string, style: RenderStyle = DEFAULT_STYLE, baseIndent = ''): string {
  return `${localName}.forRoot(${renderOptionsObject(style, baseIndent)})`;
}
