import { HttpClient, HttpErrorResponse, HttpResourceRequest } from '@angular/common/http';
import { Injectable, InjectionToken, inject, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { ApiShapeError, isRecord } from './json.guard';
import { QueryParams, compactParams } from './query-params';

/**
 * Absolute URL of the tracker API, ending with `/`. The server rewrites `<base href>` to the
 * mountpoint at serve time, so resolving against `document.baseURI` works under any prefix.
 */
export const API_BASE_URL = new InjectionToken<string>('ACTIVE_TRACKER:API_BASE_URL', {
  providedIn: 'root',
  factory: () => new URL('api/', document.baseURI).toString(),
});

/**
 * The one door to the REST API: builds `httpResource` requests, runs one-off calls, and keeps a
 * data generation that every resource reads, so that clearing the store refetches every view.
 */
@Injectable({ providedIn: 'root' })
export class ApiClient {
  private readonly http = inject(HttpClient);
  private readonly base = inject(API_BASE_URL);
  private readonly generationSignal = signal(0);

  /** Bumped whenever stored data changes under the dashboard's feet (e.g. after a clear). */
  readonly generation = this.generationSignal.asReadonly();

  /** Absolute URL of an API path such as `entries/01H...`. */
  url(path: string): string {
    return new URL(path, this.base).toString();
  }

  /**
   * An `httpResource` request for `path`; reading `generation` here makes every resource built
   * with it reload after a clear.
   */
  request(path: string, params: QueryParams = {}): HttpResourceRequest {
    this.generationSignal();
    return { url: this.url(path), params: compactParams(params) };
  }

  /** One-off GET (used for "load older", where results accumulate instead of replacing), parsed. */
  async get<T>(path: string, params: QueryParams, parse: (raw: unknown) => T): Promise<T> {
    return parse(await firstValueFrom(this.http.get<unknown>(this.url(path), { params: compactParams(params) })));
  }

  /** Deletes every stored entry, then tells every view to refetch. */
  async clear(): Promise<void> {
    await firstValueFrom(this.http.delete(this.url('entries')));
    this.generationSignal.update((n) => n + 1);
  }
}

/**
 * A readable message for an API or network error: the `{ statusCode, message, error }` body of an
 * API error, an answer that is not JSON, or a parse failure (its message says what differs).
 */
export function errorMessage(error: unknown): string {
  const cause = error instanceof Error && error.cause ? error.cause : error;
  if (cause instanceof HttpErrorResponse) {
    if (cause.status === 0) return 'The tracker API is unreachable.';
    // HttpClient reports a 2xx whose body is not JSON as an error response.
    if (cause.status >= 200 && cause.status < 300) return new ApiShapeError('', 'is not JSON').message;
    const body: unknown = cause.error;
    if (isRecord(body)) {
      const message = body['message'];
      if (Array.isArray(message)) return message.join('; ');
      if (typeof message === 'string') return message;
    }
    return `${cause.status} ${cause.statusText || 'error'}`;
  }
  if (cause instanceof Error) return cause.message;
  return String(cause);
}
