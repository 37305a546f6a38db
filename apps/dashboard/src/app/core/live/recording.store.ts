import { HttpClient, httpResource } from '@angular/common/http';
import { Injectable, computed, inject, linkedSignal, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { RecordingBody } from '@active-tracker/nestjs/contracts';
import { ApiClient, errorMessage } from '../api/api.client';
import { parseRecording } from '../api/live.parsers';
import { valueOf } from '../api/resource.util';

/**
 * Whether the tracker records (`GET api/recording`), and the pause/resume control
 * (`POST api/recording`). The flag lives in the store, so it pauses every instance sharing it.
 */
@Injectable({ providedIn: 'root' })
export class RecordingStore {
  private readonly api = inject(ApiClient);
  private readonly http = inject(HttpClient);
  private readonly resource = httpResource(() => this.api.request('recording'), { parse: parseRecording });
  /** Each GET answer; a POST's answer replaces it until the next GET. */
  private readonly current = linkedSignal(() => valueOf(this.resource)?.data ?? null);

  /** True while recording, false while paused, null until known. */
  readonly recording = computed(() => this.current()?.recording ?? null);
  /** When and by whom it was last changed. */
  readonly status = this.current.asReadonly();
  readonly busy = signal(false);
  readonly error = computed(() => (this.resource.error() ? errorMessage(this.resource.error()) : null));

  /** Re-reads the status (another user or instance may have changed it). */
  refresh(): void {
    this.resource.reload();
  }

  /** Pauses (false) or resumes (true) capture; throws with the API's message on failure. */
  async set(recording: boolean): Promise<void> {
    this.busy.set(true);
    try {
      const body: RecordingBody = { recording };
      const answer = parseRecording(await firstValueFrom(this.http.post<unknown>(this.api.url('recording'), body)));
      this.current.set(answer.data);
    } finally {
      this.busy.set(false);
    }
  }
}
