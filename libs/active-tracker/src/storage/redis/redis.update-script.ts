import type { Entry } from '../../entries/entry.js';
import { applyPatch, auditRecord, MAX_AUDIT_RECORDS, patchProblems } from '../entry-patch.js';
import { AuditRecord, EntryNotFoundError, EntryPatch, UpdateOptions, VersionConflictError } from '../entry-repository.js';
import { parseEntry } from '../entry-query.js';
import type { RedisClient } from './redis.client.js';
import { RedisKeys } from './redis.keys.js';
import type { RetentionPlan } from './redis.retention.js';

/**
 * Compare-and-set of one entry: applies the new JSON only if the stored JSON is still exactly the
 * string the caller read (so two updates of the same version cannot both win, whichever instance
 * runs them), moves its tag index memberships and appends the audit record, atomically.
 * KEYS[1] = P e:<id>. ARGV: P, id, expected JSON, new JSON, audit record JSON, max audit records,
 * tag index TTL, now, nRemoved, removed tag parts..., nAdded, added tag parts...
 * Returns {1} when applied, {0, current JSON or nil} otherwise.
 */
export const UPDATE_LUA = `
local P, id = ARGV[1], ARGV[2]
local current = redis.call('GET', KEYS[1])
if current ~= ARGV[3] then return { 0, current } end
redis.call('SET', KEYS[1], ARGV[4], 'KEEPTTL')
local keep, now = tonumber(ARGV[7]), tonumber(ARGV[8])
local nRemoved = tonumber(ARGV[9])
for i = 10, 9 + nRemoved do redis.call('ZREM', P .. 'g:' .. ARGV[i], id) end
local addedAt = 10 + nRemoved
for i = addedAt + 1, addedAt + tonumber(ARGV[addedAt]) do
  local suffix = 'g:' .. ARGV[i]
  redis.call('ZADD', P .. suffix, 0, id)
  redis.call('PEXPIRE', P .. suffix, keep)
  redis.call('ZADD', P .. 'r', 'NX', now + keep, suffix)
end
local trail = P .. 'a:' .. id
redis.call('RPUSH', trail, ARGV[5])
redis.call('LTRIM', trail, -tonumber(ARGV[6]), -1)
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', trail, ttl) end
return { 1 }
`;

/** Mutable records: update() with optimistic concurrency, and the audit trail. */
export class RedisUpdates {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
    private readonly retention: RetentionPlan,
  ) {
    client.defineCommand('atUpdateV2', { numberOfKeys: 1, lua: UPDATE_LUA });
  }

  async update(id: string, patch: EntryPatch, options: UpdateOptions): Promise<Entry> {
    const problems = patchProblems(patch);
    if (problems.length > 0) throw new TypeError(problems.join('; '));
    let json = await this.client.get(this.keys.entry(id));
    // Two attempts: the stored JSON can only change without a version bump through something
    // outside this API (a store never rewrites an entry otherwise), so one re-read settles it.
    for (let attempt = 1; ; attempt++) {
      const entry = this.liveEntry(id, json);
      const version = entry.version ?? 1;
      if (version !== options.expectedVersion) throw new VersionConflictError(id, options.expectedVersion, version);
      const applied = applyPatch(entry, patch);
      const next = JSON.stringify(applied.entry);
      const removed = applied.removedTags.map((t) => RedisKeys.tagPart(t.key, t.value));
      const added = applied.addedTags.map((t) => RedisKeys.tagPart(t.key, t.value));
      const [ok, current] = (await (this.client as unknown as { atUpdateV2(...args: string[]): Promise<[number, string | null]> }).atUpdateV2(
        this.keys.entry(id),
        this.keys.scriptPrefix,
        id,
        json!,
        next,
        JSON.stringify(auditRecord(applied, options)),
        String(MAX_AUDIT_RECORDS),
        String(this.retention.sharedKeepMs),
        String(Date.now()),
        String(removed.length),
        ...removed,
        String(added.length),
        ...added,
      )) as [number, string | null];
      if (ok === 1) return applied.entry;
      const now = this.liveEntry(id, current);
      if ((now.version ?? 1) !== version || attempt >= 2) throw new VersionConflictError(id, options.expectedVersion, now.version ?? 1);
      json = current;
    }
  }

  async audit(id: string): Promise<AuditRecord[]> {
    const rows = await this.client.lrange(this.keys.audit(id), 0, MAX_AUDIT_RECORDS - 1);
    const out: AuditRecord[] = [];
    for (const row of rows) {
      try {
        out.push(JSON.parse(row) as AuditRecord);
      } catch {
        // A corrupt record is skipped rather than failing the whole trail.
      }
    }
    return out;
  }

  /** The stored entry, or EntryNotFoundError when it is missing, corrupt or past its type's retention. */
  private liveEntry(id: string, json: string | null): Entry {
    const entry = json === null ? null : parseEntry(json);
    if (!entry || id < this.retention.cutoff(entry.type)) throw new EntryNotFoundError(id);
    return entry;
  }
}
