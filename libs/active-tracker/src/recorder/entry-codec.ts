import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Entry } from '../entries/entry.js';
import { ENCRYPTED_MARKER, isEncryptedValue } from '../entries/encrypted-value.js';

/** Encryption at rest of selected content fields, per entry type (`encryption` option). */
export interface EncryptionOptions {
  /**
   * Keys by id: 32 bytes each, as a Buffer or a base64 / hex string. Keep old ids listed after a
   * rotation: entries written with them stay readable.
   */
  keys: Record<string, string | Buffer>;
  /** Key id for new writes. Default: the last id of `keys`. */
  currentKeyId?: string;
  /** Entry type -> top-level content fields stored encrypted, e.g. `{ llm: ['requestPayload', 'responseText'] }`. */
  fields: Record<string, string[]>;
  /**
   * Who may read encrypted fields in clear through the API (the raw request); others see
   * "[encrypted]". Default: every reader the dashboard's access rules let in.
   */
  canDecrypt?: (req: any) => boolean | Promise<boolean>;
}

/** What a reader sees in place of a field it may not decrypt, or whose key is gone. */
export const ENCRYPTED_PLACEHOLDER = '[encrypted]';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;

function toKey(raw: string | Buffer): Buffer | null {
  if (Buffer.isBuffer(raw)) return raw.length === 32 ? raw : null;
  if (typeof raw !== 'string') return null;
  if (/^[0-9a-f]{64}$/i.test(raw)) return Buffer.from(raw, 'hex');
  // Exactly 32 bytes written as base64 (`openssl rand -base64 32`): a passphrase is never taken as a key.
  if (!/^[A-Za-z0-9+/]{43}=$/.test(raw)) return null;
  const decoded = Buffer.from(raw, 'base64');
  return decoded.length === 32 ? decoded : null;
}

/** Problems with the `encryption` option (empty = valid). */
export function encryptionProblems(o: unknown): string[] {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return ['"encryption" must be an object { keys, fields, currentKeyId? }'];
  const options = o as Partial<EncryptionOptions>;
  const problems: string[] = [];
  const ids = options.keys && typeof options.keys === 'object' ? Object.keys(options.keys) : [];
  if (ids.length === 0) problems.push('"encryption.keys" must map at least one key id to a 32-byte key (base64 or hex)');
  for (const id of ids) {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) problems.push(`"encryption.keys": key id "${id}" must be 1-32 letters, digits, "_" or "-"`);
    if (!toKey(options.keys![id])) problems.push(`"encryption.keys.${id}" must be 32 bytes (a Buffer, 44 base64 or 64 hex characters)`);
  }
  if (options.currentKeyId !== undefined && !ids.includes(options.currentKeyId)) {
    problems.push(`"encryption.currentKeyId" must be one of the key ids (${ids.join(', ') || 'none'})`);
  }
  if (options.canDecrypt !== undefined && typeof options.canDecrypt !== 'function')
    problems.push('"encryption.canDecrypt" must be a function (req) => boolean');
  const fields = options.fields;
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) problems.push('"encryption.fields" must map entry types to field names');
  else {
    for (const [type, list] of Object.entries(fields)) {
      if (!Array.isArray(list) || list.some((f) => typeof f !== 'string' || !f)) problems.push(`"encryption.fields.${type}" must be an array of field names`);
    }
  }
  return problems;
}

/**
 * The codec stage between the recorder and the store: AES-256-GCM per field, the key id stored with
 * the ciphertext (`{ "$enc": "<key id>:<iv>:<tag>:<ciphertext>" }`, base64url parts), so keys rotate
 * without rewriting: new writes use the current key, old ones keep theirs. It runs after
 * truncation and redaction (which therefore only ever see plaintext); search skips ciphertext.
 * Reads decrypt for authorized readers only.
 */
export class EntryCodec {
  private readonly keys = new Map<string, Buffer>();
  private readonly currentId: string;
  private readonly fields = new Map<string, ReadonlySet<string>>();

  constructor(options: EncryptionOptions) {
    for (const [id, raw] of Object.entries(options.keys)) {
      const key = toKey(raw);
      if (key) this.keys.set(id, key);
    }
    const ids = [...this.keys.keys()];
    this.currentId = options.currentKeyId ?? ids[ids.length - 1];
    for (const [type, list] of Object.entries(options.fields)) this.fields.set(type, new Set(list));
  }

  get currentKeyId(): string {
    return this.currentId;
  }

  /** The encrypted fields of an entry type, if any. */
  fieldsOf(type: string): ReadonlySet<string> | undefined {
    return this.fields.get(type);
  }

  /** Encrypts the JSON text of one field value; returns the JSON text of its encrypted form. */
  encrypt(_type: string, json: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(this.currentId)!, iv);
    const data = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
    const sealed = `${this.currentId}:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${data.toString('base64url')}`;
    return `{"${ENCRYPTED_MARKER}":"${sealed}"}`;
  }

  /** The decrypted value, or ENCRYPTED_PLACEHOLDER when its key is unknown or it was tampered with. */
  decrypt(value: { [ENCRYPTED_MARKER]: string }): unknown {
    const [id, iv, tag, data] = value[ENCRYPTED_MARKER].split(':');
    const key = this.keys.get(id);
    if (!key || data === undefined) return ENCRYPTED_PLACEHOLDER;
    try {
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const json = Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
      return JSON.parse(json);
    } catch {
      return ENCRYPTED_PLACEHOLDER;
    }
  }

  /** Encrypts the configured fields of a content patch (mutable records: what an update writes). */
  encodeFields(type: string, content: Record<string, unknown>): Record<string, unknown> {
    const fields = this.fields.get(type);
    if (!fields) return content;
    const out: Record<string, unknown> = { ...content };
    for (const key of Object.keys(out)) {
      if (fields.has(key) && out[key] !== undefined) out[key] = JSON.parse(this.encrypt(type, JSON.stringify(out[key]) ?? 'null'));
    }
    return out;
  }
}

/**
 * An entry as a reader sees it: encrypted top-level content fields decrypted when `codec` is
 * given and the reader may decrypt, replaced by ENCRYPTED_PLACEHOLDER otherwise. Returns the same
 * object when nothing is encrypted.
 */
export function decodeEntry(entry: Entry, codec: EntryCodec | undefined, mayDecrypt: boolean): Entry {
  let content: Record<string, unknown> | undefined;
  for (const key in entry.content) {
    const value = entry.content[key];
    if (!isEncryptedValue(value)) continue;
    content ??= { ...entry.content };
    content[key] = codec && mayDecrypt ? codec.decrypt(value) : ENCRYPTED_PLACEHOLDER;
  }
  return content ? { ...entry, content } : entry;
}
