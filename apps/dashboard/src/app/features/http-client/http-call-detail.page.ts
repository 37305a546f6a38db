import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { HttpClientEntryContent } from '@active-tracker/nestjs/contracts';
import { entryDetailResource } from '../../core/api/entry-detail.resource';
import { contentOf } from '../../core/api/entry-content.util';
import { EntryMetaComponent } from '../../shared/entry-meta/entry-meta.component';
import { JsonViewerComponent } from '../../shared/json-viewer/json-viewer.component';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';
import { BytesPipe } from '../../shared/pipes/bytes.pipe';
import { MethodBadgeComponent } from '../../shared/status-badge/method-badge.component';
import { StatusBadgeComponent } from '../../shared/status-badge/status-badge.component';
import { TruncatedBadgeComponent } from '../../shared/status-badge/truncated-badge.component';
import { httpErrorText } from './http-error.util';

/** One outbound HTTP call: method, URL, status or error, sizes, duration, the request it was made in. */
@Component({
  selector: 'at-http-call-detail-page',
  imports: [
    BytesPipe,
    EntryMetaComponent,
    JsonViewerComponent,
    LoadStateComponent,
    PageHeaderComponent,
    MethodBadgeComponent,
    StatusBadgeComponent,
    TruncatedBadgeComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <at-load-state [loading]="detail.loading()" [error]="detail.error()" />
    @if (detail.entry(); as e) {
      @let c = content();
      <div data-testid="entry-detail">
        <at-page-header [title]="host()" [monoTitle]="true" [back]="['/http-client']" backLabel="Outbound HTTP">
          <at-method-badge prefix [method]="c.method || '?'" />
          <span badges class="badges">
            <at-status-badge [status]="c.status" [error]="error()" />
            <at-truncated-badge [entry]="e" />
          </span>
        </at-page-header>
        @if (error(); as failure) {
          <div class="alert" data-testid="http-error"><strong>Failed:</strong> {{ failure }}</div>
        }
        <section class="card">
          <h2 class="card-title">Details</h2>
          <at-entry-meta [entry]="e" [listRoute]="['/http-client']">
            <dt>URL</dt>
            <dd class="mono break">{{ c.url }}</dd>
            <dt>Status</dt>
            <dd>{{ c.status ?? 'none' }}</dd>
            <dt>Request size</dt>
            <dd>{{ c.requestSize | bytes }}</dd>
            <dt>Response size</dt>
            <dd>{{ c.responseSize | bytes }}</dd>
          </at-entry-meta>
        </section>
        <section class="card">
          <h2 class="card-title">Recorded content</h2>
          <at-json-viewer [value]="e.content" />
        </section>
      </div>
    }
  `,
  styles: `.badges { display: inline-flex; gap: 6px; align-items: center; } .break { word-break: break-all; }`,
})
export class HttpCallDetailPage {
  /** Entry id (route parameter). */
  readonly id = input.required<string>();
  protected readonly detail = entryDetailResource(
    () => this.id(),
    () => 'http-client',
  );
  protected readonly content = computed(() => contentOf<HttpClientEntryContent>(this.detail.entry() ?? { content: {} }));
  /** `name: message (code)` of a failed call. */
  protected readonly error = computed(() => httpErrorText(this.content().error));
  /** Host and path of the URL as the title (the full URL is in the details). */
  protected readonly host = computed(() => {
    const url = this.content().url ?? '';
    try {
      const parsed = new URL(url);
      return `${parsed.host}${parsed.pathname}`;
    } catch {
      return url || 'Outbound call';
    }
  });
}
