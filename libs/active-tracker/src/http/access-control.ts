import { timingSafeEqual } from 'node:crypto';
import type { ResolvedActiveTrackerOptions } from '../active-tracker.options.js';

/** What to answer a request for the dashboard or API. */
export type AccessDecision = 'allow' | 'hide' | 'challenge';

/**
 * Order: no credentials configured in production hides everything (404); HTTP Basic credentials,
 * when set, must match (401 with a challenge otherwise); the `authorize` predicate, when set, must
 * return true (404 otherwise, so the dashboard's existence is not given away). A throwing predicate
 * counts as a refusal.
 */
export async function decideAccess(req: any, options: ResolvedActiveTrackerOptions, production: boolean): Promise<AccessDecision> {
  const { authentication, authorize } = options;
  if (!authentication && !authorize) return production ? 'hide' : 'allow';
  if (authentication && !basicMatches(req.headers?.authorization, authentication.user, authentication.password)) return 'challenge';
  if (authorize) {
    try {
      if ((await authorize(req)) !== true) return 'hide';
    } catch {
      return 'hide';
    }
  }
  return 'allow';
}

function basicMatches(header: unknown, user: string, password: string): boolean {
  if (typeof header !== 'string' || !/^basic /i.test(header)) return false;
  let decoded: string;
  try {
    decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  } catch {
    return false;
  }
  const expected = Buffer.from(`${user}:${password}`);
  const given = Buffer.from(decoded);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
