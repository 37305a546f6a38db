import { stringFilterProblems, type StringFilter } from '../../plugin-api.js';

/** A URL filter: a string matches a URL starting with it or a host (`api.example.com:443`) equal to it; a RegExp is tested on the URL. */
export type HttpClientFilter = StringFilter;

/** Options of the outbound HTTP plugin. */
export interface HttpClientPluginOptions {
  /** Calls not to record (matched against the redacted URL). */
  filters?: HttpClientFilter[];
  /** Extra query parameter name fragments to redact, on top of the tracker's `sensitiveKeys` and the built-in ones. */
  redactQueryParams?: string[];
}

/** Boot problems of the plugin's options, one message per bad option or item. */
export function httpClientOptionProblems(o: HttpClientPluginOptions): string[] {
  const problems: string[] = [];
  if (o.filters !== undefined) {
    if (!Array.isArray(o.filters)) problems.push('"filters" must be an array of URL prefixes, hosts and RegExps');
    else problems.push(...stringFilterProblems('filters', o.filters));
  }
  if (o.redactQueryParams !== undefined && (!Array.isArray(o.redactQueryParams) || o.redactQueryParams.some((k) => typeof k !== 'string' || k.length === 0))) {
    problems.push('"redactQueryParams" must be an array of non-empty strings');
  }
  return problems;
}
