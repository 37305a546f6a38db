/**
 * How a captured body is shown: JSON as a tree, HTML and anything else as plain text. Captured
 * data is hostile input: no kind is ever rendered as markup, HTML included (its source is shown).
 */
export type BodyView = { kind: 'empty' } | { kind: 'json'; value: unknown } | { kind: 'html'; text: string } | { kind: 'text'; text: string };

/** A header's value from captured headers (any case; arrays joined), or null. */
export function headerValue(headers: unknown, name: string): string | null {
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) return null;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() !== wanted) continue;
    if (Array.isArray(value)) return value.map(String).join(', ');
    return value === null || value === undefined ? null : String(value);
  }
  return null;
}

/** JSON text parsed, or undefined when it is not JSON. */
function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The view of `body`, sent or received with `headers` (their `content-type` decides for strings). */
export function bodyView(body: unknown, headers: unknown): BodyView {
  if (body === undefined || body === null || body === '') return { kind: 'empty' };
  if (typeof body === 'object') return Object.keys(body as object).length ? { kind: 'json', value: body } : { kind: 'empty' };
  if (typeof body !== 'string') return { kind: 'text', text: String(body) };
  const type = (headerValue(headers, 'content-type') ?? '').toLowerCase();
  if (/\bhtml\b/.test(type)) return { kind: 'html', text: body };
  const looksJson = /[/+]json\b/.test(type) || (!type && /^\s*[[{]/.test(body));
  if (looksJson) {
    const value = tryJson(body);
    if (value !== undefined && value !== null && typeof value === 'object') return { kind: 'json', value };
  }
  return { kind: 'text', text: body };
}
