import { SetMetadata } from '@nestjs/common';

/** Metadata key of `@Deprecated()` (read with Nest's Reflector: `getAllAndOverride(DEPRECATED_METADATA, [handler, controller])`). */
export const DEPRECATED_METADATA = 'activeTracker:deprecated';

/** What `@Deprecated()` takes. */
export interface DeprecatedOptions {
  /** When it was deprecated: a version ('2.0') or a date ('2025-01-31'). Required. */
  since: string;
  /** What to use instead, shown in the dashboard and the report: 'GET /users', 'v2 API'... */
  replacement?: string;
  /**
   * When it stops working (RFC 8594's Sunset): an ISO-8601 date or time, or a Date. A date alone
   * ('2026-06-30') means midnight UTC at the start of that day. A use after it is bad news.
   */
  sunset?: string | Date;
  /** A free note for whoever reads the dashboard. */
  message?: string;
}

/** `@Deprecated()` options as stored on the handler or controller (normalized once, when decorating). */
export interface DeprecationMetadata {
  readonly since: string;
  readonly replacement: string | null;
  /** ISO-8601, or null without a sunset. */
  readonly sunset: string | null;
  /** The sunset in epoch ms (null without one, or when it could not be read). */
  readonly sunsetMs: number | null;
  readonly message: string | null;
}

/** Problems found in `@Deprecated()` declarations, reported at boot by the plugin's `validate()`. */
const declarationProblems: string[] = [];

/**
 * Marks an endpoint (a controller method) or a whole controller as deprecated. Plain metadata
 * (Nest's `SetMetadata`): without the tracker, or without the deprecations plugin, it does
 * nothing at all. A method's declaration overrides its controller's.
 *
 * ```ts
 * @Get('legacy')
 * @Deprecated({ since: '2.0', replacement: 'GET /users', sunset: '2026-06-30' })
 * legacy() { ... }
 * ```
 *
 * Invalid options never throw here (a decorator runs when the file is imported): they are listed
 * at boot among the tracker's option problems.
 */
export function Deprecated(options: DeprecatedOptions): ClassDecorator & MethodDecorator {
  const { metadata, problems } = normalizeDeprecation(options);
  const setMetadata = SetMetadata(DEPRECATED_METADATA, metadata);
  return ((target: object, key?: string | symbol, descriptor?: TypedPropertyDescriptor<unknown>) => {
    if (problems.length > 0) {
      const where = key === undefined ? nameOf(target) : `${nameOf((target as { constructor?: unknown }).constructor)}.${String(key)}`;
      for (const problem of problems) declarationProblems.push(`@Deprecated() on ${where}: ${problem}`);
    }
    return key === undefined ? (setMetadata as ClassDecorator)(target as never) : (setMetadata as MethodDecorator)(target, key, descriptor!);
  }) as ClassDecorator & MethodDecorator;
}

/** The problems of every `@Deprecated()` declaration evaluated so far. */
export function deprecatedDeclarationProblems(): string[] {
  return [...declarationProblems];
}

/** Normalizes `@Deprecated()` options; `problems` lists what is wrong with them. */
export function normalizeDeprecation(options: DeprecatedOptions): { metadata: DeprecationMetadata; problems: string[] } {
  const problems: string[] = [];
  const o: Partial<DeprecatedOptions> = options !== null && typeof options === 'object' ? options : {};
  if (options === null || typeof options !== 'object') problems.push('options must be an object { since, replacement?, sunset?, message? }');
  let since = '';
  if (typeof o.since === 'string' && o.since.trim() !== '') since = o.since.trim();
  else if (options !== null && typeof options === 'object') problems.push('"since" must be a non-empty string (a version or a date)');
  const optionalText = (key: 'replacement' | 'message'): string | null => {
    const value = o[key];
    if (value === undefined || value === null) return null;
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    problems.push(`"${key}" must be a non-empty string`);
    return null;
  };
  const replacement = optionalText('replacement');
  const message = optionalText('message');
  let sunset: string | null = null;
  let sunsetMs: number | null = null;
  if (o.sunset !== undefined && o.sunset !== null) {
    const ms =
      o.sunset instanceof Date
        ? o.sunset.getTime()
        : typeof o.sunset === 'string' && /^\d{4}-\d{2}-\d{2}/.test(o.sunset.trim())
          ? Date.parse(o.sunset.trim())
          : NaN;
    if (Number.isFinite(ms)) {
      sunsetMs = ms;
      sunset = new Date(ms).toISOString();
    } else problems.push(`"sunset" must be an ISO-8601 date such as "2026-06-30", or a Date (got ${describe(o.sunset)})`);
  }
  return { metadata: Object.freeze({ since, replacement, sunset, sunsetMs, message }), problems };
}

function nameOf(value: unknown): string {
  return (typeof value === 'function' && value.name) || 'an anonymous class';
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return 'an invalid Date';
  return typeof value;
}
