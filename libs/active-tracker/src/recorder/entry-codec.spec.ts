import { randomBytes } from 'node:crypto';
import type { Entry } from '../entries/entry.js';
import { newUlid } from '../entries/entry-id.js';
import { ENCRYPTED_MARKER, isEncryptedValue, withoutCiphertext } from '../entries/encrypted-value.js';
import { MemoryRepository } from '../storage/memory/memory.repository.js';
import { decodeEntry, ENCRYPTED_PLACEHOLDER, EncryptionOptions, encryptionProblems, EntryCodec } from './entry-codec.js';
import { Redactions, serializeDraft } from './entry-serializer.js';
import { REDACTED, SensitiveKeys } from './sensitive-keys.js';

const OLD_KEY = randomBytes(32);
const NEW_KEY = randomBytes(32);
const FIELDS = { llm: ['prompt', 'completion'] };

function codec(options: Partial<EncryptionOptions> = {}): EntryCodec {
  return new EntryCodec({ keys: { old: OLD_KEY }, fields: FIELDS, ...options });
}

/** Serializes an `llm` draft with the codec stage, as the recorder does. */
function write(c: EntryCodec | undefined, content: Record<string, unknown>, extra: { familyHash?: string; redactions?: string[] } = {}) {
  return serializeDraft(
    {
      id: newUlid(),
      draft: { type: 'llm', content, familyHash: extra.familyHash },
      recordedAt: Date.now(),
      batchId: null,
      redactions: new Redactions(extra.redactions ?? []),
      sensitive: new SensitiveKeys(),
      weight: 1,
    },
    { maxString: 1000, codec: c },
  );
}

const stored = (json: string): Entry => JSON.parse(json);

describe('EntryCodec', () => {
  const content = { model: 'gpt', prompt: { messages: [{ role: 'user', text: 'my diagnosis is X' }] }, completion: 'take two', cost: 12 };

  it('round trips: configured fields are stored encrypted, the others in clear, and decode back to the same values', () => {
    const c = codec();
    const prepared = write(c, content);
    const entry = stored(prepared.json);
    expect(entry.content.model).toBe('gpt');
    expect(entry.content.cost).toBe(12);
    expect(isEncryptedValue(entry.content.prompt)).toBe(true);
    expect(isEncryptedValue(entry.content.completion)).toBe(true);
    expect(decodeEntry(entry, c, true).content).toEqual(content);
  });

  it('never leaves an encrypted field readable in the stored JSON, nor in the family summary', () => {
    const c = codec();
    const prepared = write(c, content, { familyHash: 'fam' });
    expect(prepared.json).not.toContain('diagnosis');
    expect(prepared.json).not.toContain('take two');
    expect(prepared.summary).toEqual({ model: 'gpt', cost: '12' });
    // search never sees ciphertext either
    expect(withoutCiphertext(prepared.json)).not.toContain(ENCRYPTED_MARKER);
    // other entry types are untouched
    const other = serializeDraft(
      {
        id: '01J00000000000000000000OTH',
        draft: { type: 'log', content: { prompt: 'clear' } },
        recordedAt: 0,
        batchId: null,
        redactions: Redactions.none,
        sensitive: new SensitiveKeys(),
        weight: 1,
      },
      { maxString: 1000, codec: c },
    );
    expect(stored(other.json).content.prompt).toBe('clear');
  });

  it('encrypts after redaction and truncation: what is decrypted is the redacted plaintext', () => {
    const c = codec();
    const entry = stored(
      write(c, { prompt: { text: 'secret-value here', password: 'pw' }, completion: 'c'.repeat(1500) }, { redactions: ['secret-value'] }).json,
    );
    const decoded = decodeEntry(entry, c, true).content;
    expect(decoded.prompt).toEqual({ text: `${REDACTED} here`, password: REDACTED });
    expect(String(decoded.completion)).toMatch(/^c{1000}… \[truncated 500 characters\]$/);
    expect(entry.content.truncated).toBe(true);
  });

  it('uses a fresh IV per value: the same plaintext never gives the same ciphertext', () => {
    const c = codec();
    const a = stored(write(c, { completion: 'same' }).json).content.completion as Record<string, string>;
    const b = stored(write(c, { completion: 'same' }).json).content.completion as Record<string, string>;
    expect(a[ENCRYPTED_MARKER]).not.toBe(b[ENCRYPTED_MARKER]);
  });

  it('rotates keys: new writes use the current key id, old entries stay readable with their own', () => {
    const before = codec();
    expect(before.currentKeyId).toBe('old');
    const oldEntry = stored(write(before, { completion: 'written before' }).json);
    const rotated = codec({ keys: { old: OLD_KEY, new: NEW_KEY } });
    expect(rotated.currentKeyId).toBe('new'); // the last id by default
    const newEntry = stored(write(rotated, { completion: 'written after' }).json);
    const keyIdOf = (e: Entry) => (e.content.completion as Record<string, string>)[ENCRYPTED_MARKER].split(':')[0];
    expect(keyIdOf(oldEntry)).toBe('old');
    expect(keyIdOf(newEntry)).toBe('new');
    expect(decodeEntry(oldEntry, rotated, true).content.completion).toBe('written before');
    expect(decodeEntry(newEntry, rotated, true).content.completion).toBe('written after');
    // an explicit currentKeyId wins
    expect(codec({ keys: { old: OLD_KEY, new: NEW_KEY }, currentKeyId: 'old' }).currentKeyId).toBe('old');
    // once the old key is removed, its entries show the placeholder
    const oldGone = codec({ keys: { new: NEW_KEY } });
    expect(decodeEntry(oldEntry, oldGone, true).content.completion).toBe(ENCRYPTED_PLACEHOLDER);
    expect(decodeEntry(newEntry, oldGone, true).content.completion).toBe('written after');
  });

  it('accepts keys as Buffers, hex and base64', () => {
    const raw = randomBytes(32);
    const entry = stored(write(codec({ keys: { k: raw } }), { completion: 'x' }).json);
    for (const form of [raw.toString('hex'), raw.toString('base64'), raw.toString('hex').toUpperCase()]) {
      expect(decodeEntry(entry, codec({ keys: { k: form } }), true).content.completion).toBe('x');
    }
  });

  it('shows the placeholder for an unknown key id, a wrong key, tampered data or a malformed value', () => {
    const c = codec();
    const entry = stored(write(c, { completion: 'original' }).json);
    const sealed = (entry.content.completion as Record<string, string>)[ENCRYPTED_MARKER];
    const [id, iv, tag, data] = sealed.split(':');
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] ^= 1;
      return bytes.toString('base64url');
    };
    const variants = [
      `unknown:${iv}:${tag}:${data}`,
      `${id}:${iv}:${tag}:${flip(data)}`,
      `${id}:${iv}:${flip(tag)}:${data}`,
      `${id}:${flip(iv)}:${tag}:${data}`,
      `${id}:${iv}:${tag}`,
      'garbage',
    ];
    for (const value of variants) expect(c.decrypt({ [ENCRYPTED_MARKER]: value })).toBe(ENCRYPTED_PLACEHOLDER);
    // the same id with another key
    expect(decodeEntry(entry, new EntryCodec({ keys: { old: NEW_KEY }, fields: FIELDS }), true).content.completion).toBe(ENCRYPTED_PLACEHOLDER);
    // the untouched value still decrypts
    expect(c.decrypt({ [ENCRYPTED_MARKER]: sealed })).toBe('original');
  });
});

describe('decodeEntry', () => {
  const c = codec();
  const entry = stored(write(c, { model: 'm', prompt: 'p', completion: 'c' }).json);

  it('shows the placeholder to readers who may not decrypt, and without a codec', () => {
    expect(decodeEntry(entry, c, false).content).toEqual({ model: 'm', prompt: ENCRYPTED_PLACEHOLDER, completion: ENCRYPTED_PLACEHOLDER });
    expect(decodeEntry(entry, undefined, true).content).toEqual({ model: 'm', prompt: ENCRYPTED_PLACEHOLDER, completion: ENCRYPTED_PLACEHOLDER });
  });

  it('returns the same object when nothing is encrypted, and never changes the given entry', () => {
    const clear = stored(write(undefined, { model: 'm', prompt: 'p' }).json);
    expect(decodeEntry(clear, c, true)).toBe(clear);
    const copy = JSON.parse(JSON.stringify(entry));
    decodeEntry(entry, c, true);
    expect(entry).toEqual(copy);
  });

  it('decodes what a store returns (encrypted fields stay encrypted in storage)', async () => {
    const repo = new MemoryRepository({ maxAgeMs: 60_000, maxEntriesPerType: 10 });
    const prepared = write(c, { prompt: 'in storage' });
    await repo.save([prepared]);
    const found = (await repo.find(prepared.id))!;
    expect(isEncryptedValue(found.content.prompt)).toBe(true);
    expect(decodeEntry(found, c, true).content.prompt).toBe('in storage');
    // a text search does not match the plaintext nor the ciphertext
    expect((await repo.list({ q: 'in storage', limit: 10 })).data).toEqual([]);
    const cipher = (found.content.prompt as Record<string, string>)[ENCRYPTED_MARKER].split(':')[3];
    expect((await repo.list({ q: cipher.slice(0, 12), limit: 10 })).data).toEqual([]);
  });
});

describe('EntryCodec.encodeFields (updates of mutable records)', () => {
  it('encrypts the configured fields of a patch, leaves the others and undefined ones', () => {
    const c = codec();
    const patch = c.encodeFields('llm', { completion: { text: 'edited' }, rating: 5, prompt: undefined });
    expect(isEncryptedValue(patch.completion)).toBe(true);
    expect(patch.rating).toBe(5);
    expect(patch.prompt).toBeUndefined();
    expect(c.decrypt(patch.completion as { [ENCRYPTED_MARKER]: string })).toEqual({ text: 'edited' });
    const untouched = { a: 1 };
    expect(c.encodeFields('log', untouched)).toBe(untouched);
  });
});

describe('encryptionProblems', () => {
  const key = randomBytes(32);

  it('accepts valid options', () => {
    expect(
      encryptionProblems({
        keys: { k1: key, 'k-2_b': key.toString('hex'), k3: key.toString('base64') },
        fields: FIELDS,
        currentKeyId: 'k1',
        canDecrypt: () => true,
      }),
    ).toEqual([]);
  });

  it.each<[string, unknown, string[]]>([
    ['not an object', 'key', ['"encryption" must be an object { keys, fields, currentKeyId? }']],
    ['an array', [], ['"encryption" must be an object { keys, fields, currentKeyId? }']],
    ['no keys', { keys: {}, fields: {} }, ['"encryption.keys" must map at least one key id to a 32-byte key (base64 or hex)']],
    ['keys missing', { fields: {} }, ['"encryption.keys" must map at least one key id to a 32-byte key (base64 or hex)']],
    ['a short key', { keys: { k: randomBytes(16) }, fields: {} }, ['"encryption.keys.k" must be 32 bytes (a Buffer, 44 base64 or 64 hex characters)']],
    ['a long key', { keys: { k: randomBytes(33) }, fields: {} }, ['"encryption.keys.k" must be 32 bytes (a Buffer, 44 base64 or 64 hex characters)']],
    ['a short hex key', { keys: { k: 'ab'.repeat(16) }, fields: {} }, ['"encryption.keys.k" must be 32 bytes (a Buffer, 44 base64 or 64 hex characters)']],
    [
      'a passphrase',
      { keys: { k: 'correct horse battery staple' }, fields: {} },
      ['"encryption.keys.k" must be 32 bytes (a Buffer, 44 base64 or 64 hex characters)'],
    ],
    ['a number key', { keys: { k: 42 }, fields: {} }, ['"encryption.keys.k" must be 32 bytes (a Buffer, 44 base64 or 64 hex characters)']],
    ['a bad key id', { keys: { 'my key': key }, fields: {} }, ['"encryption.keys": key id "my key" must be 1-32 letters, digits, "_" or "-"']],
    ['a key id with ":"', { keys: { 'a:b': key }, fields: {} }, ['"encryption.keys": key id "a:b" must be 1-32 letters, digits, "_" or "-"']],
    ['an unknown currentKeyId', { keys: { k: key }, currentKeyId: 'other', fields: {} }, ['"encryption.currentKeyId" must be one of the key ids (k)']],
    ['canDecrypt not a function', { keys: { k: key }, fields: {}, canDecrypt: true }, ['"encryption.canDecrypt" must be a function (req) => boolean']],
    ['fields missing', { keys: { k: key } }, ['"encryption.fields" must map entry types to field names']],
    ['fields an array', { keys: { k: key }, fields: ['prompt'] }, ['"encryption.fields" must map entry types to field names']],
    ['fields of a type not an array', { keys: { k: key }, fields: { llm: 'prompt' } }, ['"encryption.fields.llm" must be an array of field names']],
    ['an empty field name', { keys: { k: key }, fields: { llm: [''] } }, ['"encryption.fields.llm" must be an array of field names']],
  ])('%s', (_label, options, expected) => {
    expect(encryptionProblems(options)).toEqual(expected);
  });

  it('lists every problem at once', () => {
    expect(encryptionProblems({ keys: { 'bad id': randomBytes(8) }, currentKeyId: 'x', fields: null })).toHaveLength(4);
  });
});
