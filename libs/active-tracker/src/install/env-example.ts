import { detectNewline } from './text-edits.js';

/** The variables the inserted forRoot() reads, with what `.env.example` says about them. */
export const ENV_VARIABLES: readonly { name: string; value: string; comment: string }[] = [
  {
    name: 'REDIS_URL',
    value: '',
    comment: 'Storage of ActiveTracker entries, e.g. redis://localhost:6379/0. Empty: the embedded in-memory store.',
  },
  {
    name: 'ACTIVE_TRACKER_AUTH',
    value: 'admin:change-me',
    comment: 'user:password of the ActiveTracker dashboard (HTTP Basic). Required to see it when NODE_ENV=production.',
  },
];

export const ENV_HEADER = '# ActiveTracker (@active-tracker/nestjs)';

/** Whether the file assigns NAME (`NAME=`, `export NAME=`, spaces allowed), commented lines excluded. */
export function definesVariable(text: string, name: string): boolean {
  return new RegExp(`^[ \\t]*(?:export[ \\t]+)?${name}[ \\t]*=`, 'm').test(text);
}

export interface EnvExampleEdit {
  /** The new content (the same string when nothing is missing). */
  text: string;
  /** Variables appended. */
  added: string[];
}

/**
 * Appends the variables `.env.example` lacks, each after a comment line, under one header; text
 * already there is kept byte for byte (a missing final line break is added first). `existing` is
 * undefined when the file does not exist.
 */
export function editEnvExample(existing: string | undefined): EnvExampleEdit {
  const text = existing ?? '';
  const missing = ENV_VARIABLES.filter((v) => !definesVariable(text, v.name));
  if (missing.length === 0) return { text, added: [] };
  const nl = existing ? detectNewline(existing) : '\n';
  const lines = [ENV_HEADER, ...missing.flatMap((v) => [`# ${v.comment}`, `${v.name}=${v.value}`])];
  let out = text;
  if (out.length && !out.endsWith('\n')) out += nl;
  // A blank line between what was there and our block.
  if (out.length && !/(\r?\n){2}$/.test(out)) out += nl;
  out += lines.join(nl) + nl;
  return { text: out, added: missing.map((v) => v.name) };
}
