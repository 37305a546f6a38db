/**
 * How an encrypted field is stored: `{ "$enc": "<key id>:<iv>:<auth tag>:<ciphertext>" }` (base64url
 * parts, AES-256-GCM). Shared by the codec that writes it and the search that must skip it.
 */
export const ENCRYPTED_MARKER = '$enc';

export interface EncryptedValue {
  [ENCRYPTED_MARKER]: string;
}

export function isEncryptedValue(value: unknown): value is EncryptedValue {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Record<string, unknown>)[ENCRYPTED_MARKER] === 'string' &&
    Object.keys(value as object).length === 1
  );
}

/** Matches an encrypted value in stored JSON (the ciphertext alphabet has no quote or backslash). */
const ENCRYPTED_JSON = /\{"\$enc":"[^"\\]*"\}/g;

/** Stored JSON with every encrypted value blanked, so a text search never matches ciphertext. */
export function withoutCiphertext(json: string): string {
  return json.includes('"$enc"') ? json.replace(ENCRYPTED_JSON, 'null') : json;
}
