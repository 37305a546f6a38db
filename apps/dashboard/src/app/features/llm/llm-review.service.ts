import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { LlmBulkReviewResponse, LlmClearResponse, LlmReviewBody, LlmReviewResponse, LlmReviewState } from '@active-tracker/nestjs/contracts';
import { firstValueFrom } from 'rxjs';
import { ApiClient } from '../../core/api/api.client';
import { parseLlmBulkReview, parseLlmClear, parseLlmReview } from './llm.parsers';

/**
 * The LLM pages' writes: review one interaction (`PATCH …/:id/review`) or many (`POST …/review`,
 * audited per interaction), and clear them all (`DELETE interactions`).
 */
@Injectable({ providedIn: 'root' })
export class LlmReviewService {
  private readonly http = inject(HttpClient);
  private readonly api = inject(ApiClient);

  async reviewOne(id: string, state: LlmReviewState, comment: string | null, expectedVersion?: number): Promise<LlmReviewResponse> {
    const body: LlmReviewBody = { state, comment, expectedVersion };
    return parseLlmReview(await firstValueFrom(this.http.patch<unknown>(this.api.url(`llm/interactions/${encodeURIComponent(id)}/review`), body)));
  }

  /** Deletes every interaction (and the LLM rollups); other entries stay. */
  async clearAll(): Promise<LlmClearResponse> {
    return parseLlmClear(await firstValueFrom(this.http.delete<unknown>(this.api.url('llm/interactions'))));
  }

  async reviewMany(ids: readonly string[], state: LlmReviewState, comment: string | null): Promise<LlmBulkReviewResponse> {
    return parseLlmBulkReview(await firstValueFrom(this.http.post<unknown>(this.api.url('llm/interactions/review'), { ids, state, comment })));
  }
}
