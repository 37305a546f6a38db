/**
 * A content field that is already JSON text written by the host (a response body). The recorder
 * stores it as `{ "$json": "<text>" }` without parsing it, and reads turn it back into the parsed
 * value (or keep the text when it is not valid JSON), so a host's invalid document can never
 * corrupt a stored entry and the request path never parses what it only copies.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

export const JSON_TEXT_MARKER = '$json';

/** Decodes the `$json` fields at the top level of a stored entry's content, in place. */
export function decodeJsonTextFields(content: Record<string, unknown> | null | undefined): void {
  if (!content) return;
  for (const key in content) {
    const value = content[key] as Record<string, unknown> | null;
    if (value === null || typeof value !== 'object' || typeof value[JSON_TEXT_MARKER] !== 'string') continue;
    const text = value[JSON_TEXT_MARKER] as string;
    try {
      content[key] = JSON.parse(text);
    } catch {
      content[key] = text;
    }
  }
}
