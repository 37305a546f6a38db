/** Badge colours (classes of styles.css). */
export type Tone = 'tone-ok' | 'tone-info' | 'tone-warn' | 'tone-danger' | 'tone-muted';

/** An HTTP status's tone by class: 2xx ok, 3xx info, 4xx warn, 5xx danger. */
export function statusTone(status: number): Tone {
  if (status >= 500) return 'tone-danger';
  if (status >= 400) return 'tone-warn';
  if (status >= 300) return 'tone-info';
  if (status >= 200) return 'tone-ok';
  return 'tone-muted';
}

const WORD_TONES: Readonly<Record<string, Tone>> = {
  fatal: 'tone-danger',
  error: 'tone-danger',
  failed: 'tone-danger',
  warn: 'tone-warn',
  warning: 'tone-warn',
  log: 'tone-info',
  info: 'tone-info',
  ok: 'tone-ok',
  success: 'tone-ok',
  debug: 'tone-muted',
  verbose: 'tone-muted',
};

/** A label's tone: log levels and a few state words are coloured, anything else is muted. */
export function wordTone(label: string): Tone {
  const key = label.toLowerCase();
  return Object.hasOwn(WORD_TONES, key) ? WORD_TONES[key] : 'tone-muted';
}
