import { HttpClient, HttpErrorResponse, HttpResourceRequest } from '@angular/common/http';
import { Injectable, InjectionToken, inject, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';

/** Query parameters as the API takes them; `undefined`/empty values are left out. */
export type QueryParams = Record<string, string | number | boolean | null | undefined>;

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

  /** One-off GET (used for "load older", where results accumulate instead of replacing). */
  get<T>(path: string, params: QueryParams = {}): Promise<T> {
    return firstValueFrom(this.http.get<T>(this.url(path), { params: compactParams(params) }));
  }

  /** Deletes every stored entry, then tells every view to refetch. */
  async clear(): Promise<void> {
    await firstValueFrom(this.http.delete(this.url('entries')));
    this.generationSignal.update((n) => n + 1);
  }
}

/** Drops empty parameters so that URLs stay clean and the API's validation is not tripped. */
export function compactParams(params: QueryParams): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') out[key] = value;
  }
  return out;
}

/** A readable message for an API or network error (`{ statusCode, message }` bodies included). */
export function errorMessage(error: unknown): string {
  const cause = error instanceof Error && error.cause ? error.cause : error;
  if (cause instanceof HttpErrorResponse) {
    if (cause.status === 0) return 'The tracker API is unreachable.';
    const body: unknown = cause.error;
    if (body && typeof body === 'object' && 'message' in body) {
      const message = (body as { message: unknown }).message;
      if (Array.isArray(message)) return message.join('; ');
      if (typeof message === 'string') return message;
    }
    return `${cause.status} ${cause.statusText || 'error'}`;
  }
  if (cause instanceof Error) return cause.message;
  return String(cause);
}
