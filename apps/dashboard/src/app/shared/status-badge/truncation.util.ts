import type { Entry } from '@active-tracker/nestjs/contracts';

/**
 * True when the recorder cut something out of this entry: `content.truncated`, a non-empty
 * `content._truncated` list, or one of the request plugin's per-field flags.
 */
export function isTruncated(entry: Pick<Entry, 'content'>): boolean {
  const content = entry.content;
  if (content['truncated'] === true) return true;
  const listed = content['_truncated'];
  if (Array.isArray(listed) ? listed.length > 0 : Boolean(listed)) return true;
  return ['bodyTruncated', 'responseBodyTruncated', 'logTruncated'].some((key) => content[key] === true);
}

/** What was truncated, for the badge's tooltip. */
export function truncationDetail(entry: Pick<Entry, 'content'>): string {
  const content = entry.content;
  const parts: string[] = [];
  const listed = content['_truncated'];
  if (Array.isArray(listed)) parts.push(...listed.map(String));
  if (content['bodyTruncated'] === true) parts.push('request body');
  if (content['responseBodyTruncated'] === true) parts.push('response body');
  if (content['logTruncated'] === true) parts.push('log');
  return parts.length ? `Truncated: ${parts.join(', ')}` : 'Some content was truncated when recorded';
}
