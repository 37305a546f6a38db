import type { Entry } from '../entries/entry.js';
import type { AuditRecord, EntryPatch, TagFilter, UpdateOptions } from './entry-repository.js';

/** Longest tag value kept (as the recorder does). */
const MAX_TAG_VALUE = 1024;

/** Problems with a patch (empty = valid). Stores reject an invalid patch before touching anything. */
export function patchProblems(patch: EntryPatch): string[] {
  const problems: string[] = [];
  if (patch === null || typeof patch !== 'object') return ['the patch must be an object with "content" and/or "tags"'];
  const { content, tags } = patch;
  if (content === undefined && tags === undefined) problems.push('the patch changes nothing (give "content" and/or "tags")');
  if (content !== undefined && (content === null || typeof content !== 'object' || Array.isArray(content))) {
    problems.push('"content" must be an object');
  }
  if (tags !== undefined) {
    if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) problems.push('"tags" must be an object');
    else {
      for (const [key, value] of Object.entries(tags)) {
        if (!key) problems.push('tag keys must be non-empty');
        if (value !== null && typeof value !== 'string') problems.push(`tag "${key}" must be a string, or null to remove it`);
      }
    }
  }
  return problems;
}

/** The result of applying a patch: the new entry, the audit trail's from/to, and the tag index changes. */
export interface AppliedPatch {
  entry: Entry;
  from: EntryPatch;
  to: EntryPatch;
  removedTags: TagFilter[];
  addedTags: TagFilter[];
}

/** Applies `patch` to a copy of `entry` and bumps its version. Only fields that really change are audited. */
export function applyPatch(entry: Entry, patch: EntryPatch): AppliedPatch {
  const content = { ...entry.content };
  const tags = { ...entry.tags };
  const from: EntryPatch = {};
  const to: EntryPatch = {};
  const removedTags: TagFilter[] = [];
  const addedTags: TagFilter[] = [];
  for (const [key, value] of Object.entries(patch.content ?? {})) {
    const next = value === undefined ? null : value;
    if (JSON.stringify(content[key]) === JSON.stringify(next)) continue;
    ((from.content ??= {}) as Record<string, unknown>)[key] = Object.hasOwn(content, key) ? content[key] : null;
    ((to.content ??= {}) as Record<string, unknown>)[key] = next;
    content[key] = next;
  }
  for (const [key, raw] of Object.entries(patch.tags ?? {})) {
    const value = raw === null || raw === undefined ? null : String(raw).slice(0, MAX_TAG_VALUE);
    const previous = Object.hasOwn(tags, key) ? tags[key] : null;
    if (previous === value) continue;
    (from.tags ??= {})[key] = previous;
    (to.tags ??= {})[key] = value;
    if (previous !== null) removedTags.push({ key, value: previous });
    if (value === null) delete tags[key];
    else {
      tags[key] = value;
      addedTags.push({ key, value });
    }
  }
  return { entry: { ...entry, content, tags, version: (entry.version ?? 1) + 1 }, from, to, removedTags, addedTags };
}

export function auditRecord(applied: AppliedPatch, options: UpdateOptions, at = new Date()): AuditRecord {
  return {
    entryId: applied.entry.id,
    version: applied.entry.version,
    at: at.toISOString(),
    actor: options.actor ?? null,
    comment: options.comment ?? null,
    from: applied.from,
    to: applied.to,
  };
}

/** Most audit records kept per entry. */
export const MAX_AUDIT_RECORDS = 1000;
