import { HttpException } from '@nestjs/common';

/** The HTTP status Nest answers for `error` (HttpException, http-errors style objects, else 500). */
export function statusOf(error: unknown): number {
  if (error instanceof HttpException) return error.getStatus();
  const e = error as { statusCode?: unknown; status?: unknown; message?: unknown } | null;
  if (e && typeof e === 'object' && typeof e.message === 'string') {
    const code = typeof e.statusCode === 'number' ? e.statusCode : typeof e.status === 'number' ? e.status : undefined;
    if (code !== undefined && code >= 400 && code < 600) return code;
  }
  return 500;
}
