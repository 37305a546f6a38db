import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ApiClient, errorMessage } from '../../core/api/api.client';
import type { RequestEntryContent } from '@active-tracker/nestjs/contracts';
import { parseEntries } from '../../core/api/api.parsers';
import { contentOf } from '../../core/api/entry-content.util';
import { valueOf } from '../../core/api/resource.util';
import { MethodBadgeComponent } from '../status-badge/method-badge.component';
import { StatusBadgeComponent } from '../status-badge/status-badge.component';

/**
 * Link to the request that produced an entry, found through its batch
 * (`api/entries?type=request&batch=<batchId>&limit=1`). Says so when there is none.
 */
@Component({
  selector: 'at-request-link',
  imports: [RouterLink, MethodBadgeComponent, StatusBadgeComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (!batchId()) {
      <span class="muted">None (outside a request)</span>
    } @else if (request(); as r) {
      <a class="req" data-testid="request-link" [routerLink]="['/requests', r.id]">
        <at-method-badge [method]="r.content.method" />
        <span class="mono path">{{ r.content.path || r.content.url }}</span>
        <at-status-badge [status]="r.content.status" />
      </a>
    } @else if (lookupError(); as error) {
      <span class="muted" role="alert">{{ error }}</span>
    } @else if (lookup.isLoading()) {
      <span class="muted">Looking up…</span>
    } @else {
      <span class="muted">Not recorded</span>
    }
  `,
  styles: `
    .req { display: inline-flex; align-items: center; gap: 8px; text-decoration: none; color: inherit; max-width: 100%; }
    .req:hover .path { color: var(--accent); text-decoration: underline; }
    .path { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  `,
})
export class RequestLinkComponent {
  private readonly api = inject(ApiClient);
  /** Batch id of the entry whose request to link. */
  readonly batchId = input<string | null | undefined>(null);

  protected readonly lookup = httpResource(
    () => {
      const batch = this.batchId();
      return batch ? this.api.request('entries', { type: 'request', batch, limit: 1 }) : undefined;
    },
    { parse: parseEntries },
  );
  protected readonly lookupError = computed(() => (this.lookup.error() ? errorMessage(this.lookup.error()) : null));
  protected readonly request = computed(() => {
    const entry = valueOf(this.lookup)?.data[0];
    return entry ? { id: entry.id, content: contentOf<RequestEntryContent>(entry) } : null;
  });
}
