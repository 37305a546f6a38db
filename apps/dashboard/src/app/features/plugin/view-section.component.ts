import { ChangeDetectionStrategy, Component, input, signal } from '@angular/core';
import { SectionView } from '../../core/view/view-sections.model';
import { BacktraceComponent } from '../../shared/backtrace/backtrace.component';
import { JsonViewerComponent } from '../../shared/json-viewer/json-viewer.component';
import { ViewCellComponent } from '../../shared/view-cell/view-cell.component';
import { RelatedEntriesComponent } from './related-entries.component';

/** One section of a metadata-driven detail page: fields, JSON, code, backtrace or related entries. */
@Component({
  selector: 'at-view-section',
  imports: [BacktraceComponent, JsonViewerComponent, RelatedEntriesComponent, ViewCellComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let s = section();
    @switch (s.kind) {
      @case ('fields') {
        <section class="card" data-testid="view-section" data-kind="fields">
          <h2 class="card-title">{{ s.title }}</h2>
          <dl class="facts">
            @for (row of s.rows; track $index) {
              <dt>{{ row.label }}</dt>
              <dd data-testid="view-field" [attr.data-label]="row.label"><at-view-cell [cell]="row.cell" [detail]="true" /></dd>
            }
          </dl>
        </section>
      }
      @case ('json') {
        <section class="card" data-testid="view-section" data-kind="json">
          <h2 class="card-title">{{ s.title }}</h2>
          <at-json-viewer [value]="s.value" emptyText="Nothing recorded" />
        </section>
      }
      @case ('code') {
        <section class="card" data-testid="view-section" data-kind="code">
          <h2 class="card-title">{{ s.title }} <span class="badge tone-muted">{{ s.language }}</span></h2>
          @if (s.text) {
            <div class="code-box">
              <button type="button" class="btn btn-ghost btn-xs copy" (click)="copy(s.text)">{{ copied() ? 'Copied' : 'Copy' }}</button>
              <pre class="code" [attr.data-language]="s.language">{{ s.text }}</pre>
            </div>
          } @else {
            <p class="muted none">Nothing recorded</p>
          }
        </section>
      }
      @case ('backtrace') {
        <section class="card trace" data-testid="view-section" data-kind="backtrace">
          <h2 class="card-title">{{ s.title }} <span class="count">{{ s.frames.length }}</span></h2>
          <at-backtrace [frames]="s.frames" [stack]="s.stack" />
        </section>
      }
      @case ('related') {
        <at-related-entries [section]="s" [activeId]="activeId()" />
      }
    }
  `,
  styles: `
    .code-box { position: relative; background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px;
      padding: 8px 10px; max-height: 480px; overflow: auto; }
    .copy { position: sticky; float: right; top: 0; }
    .code { margin: 0; font-size: 12px; white-space: pre-wrap; word-break: break-word; }
    .none { margin: 0; font-size: 13px; }
    .card.trace { padding: 0 0 12px; overflow: hidden; }
    .card.trace .card-title { padding: 12px 16px 0; }
  `,
})
export class ViewSectionComponent {
  readonly section = input.required<SectionView>();
  /** Id of the page's entry (highlighted in related tables). */
  readonly activeId = input<string | null>(null);

  protected readonly copied = signal(false);

  protected async copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.copied.set(true);
      setTimeout(() => this.copied.set(false), 1200);
    } catch {
      // Clipboard access can be refused (insecure origin); the text stays selectable.
    }
  }
}
