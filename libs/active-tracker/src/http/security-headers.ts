import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/**
 * The Content-Security-Policy of the tracker's pages, API answers and streams. Scripts, styles,
 * fonts and API calls come from the tracker itself; no inline script at all; `<style>` elements
 * only with the page's nonce (Angular puts the `ngCspNonce` of its root element on the component
 * styles it inserts; `[style.x]` bindings go through the CSSOM, which CSP does not restrict).
 * Images may also be `data:` (the favicon) and https (user avatars, as in the gem: an image runs
 * no script, and `Referrer-Policy` keeps the tracker's URL from the avatar host). Never framed.
 */
export function contentSecurityPolicy(nonce?: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    nonce ? `style-src 'self' 'nonce-${nonce}'` : "style-src 'self'",
    "img-src 'self' data: https:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** A fresh nonce for one dashboard page. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Sets the security headers on a response of the tracker (never on the host's: the tracker only
 * calls this for the requests it answers itself).
 */
export function setSecurityHeaders(res: ServerResponse, nonce?: string): void {
  if (res.headersSent) return;
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(nonce));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
  // frame-ancestors for browsers that predate it.
  res.setHeader('X-Frame-Options', 'DENY');
  // Other sites cannot load the API's JSON or the bundles as no-cors resources.
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}
