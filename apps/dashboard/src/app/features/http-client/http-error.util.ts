import type { HttpClientEntryContent } from '@active-tracker/nestjs/contracts';

/**
 * What a failed outbound call reports: `name: message (code)`. The server sends `{ name, message,
 * code? }` (printing the object gave "[object Object]"); a string (the encryption placeholder) is
 * shown as it is.
 */
export function httpErrorText(error: HttpClientEntryContent['error'] | string | null | undefined): string | null {
  if (!error) return null;
  if (typeof error === 'string') return error;
  const head = error.name && error.message ? `${error.name}: ${error.message}` : error.message || error.name || 'Error';
  // Node often repeats the code in the message ("connect ECONNREFUSED 127.0.0.1:9").
  return error.code && !head.includes(error.code) ? `${head} (${error.code})` : head;
}
