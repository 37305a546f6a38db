import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import type { Entry } from '@active-tracker/nestjs/contracts';
import { parseEntries } from '../../core/api/api.parsers';
import { MetaStore } from '../../core/api/meta.store';
import { pagedResource } from '../../core/api/paged.resource';
import { SectionView } from '../../core/view/view-sections.model';
import { EntryTableComponent } from '../../shared/entry-table/entry-table.component';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';

type RelatedSection = Extract<SectionView, { kind: 'related' }>;

/** A related-entries section: the rest of the batch (loaded with the entry), or the family (paged). */
@Component({
  selector: 'at-related-entries',
  imports: [EntryTableComponent, LoadStateComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let s = section();
    <section class="card flush" data-testid="view-section" data-kind="related" [attr.data-relation]="s.relation">
      <h2 class="card-title padded">{{ s.title }} @if (loaded()) { <span class="count">{{ rows().length }}</span> }</h2>
      <at-load-state [loading]="pager.loading()" [error]="pager.error()" />
      @if (loaded()) {
        <at-entry-table [rows]="rows()" [columns]="s.columns" [rowId]="rowId" [link]="link" [activeId]="activeId()"
                        rowTestId="related-row" [emptyText]="s.empty" />
        @if (pager.hasOlder()) {
          <div class="footer">
            <button type="button" class="btn btn-sm" data-testid="load-older" [disabled]="pager.loadingOlder()"
                    (click)="pager.loadOlder()">{{ pager.loadingOlder() ? 'Loading…' : 'Load older' }}</button>
          </div>
        }
      }
    </section>
  `,
  styles: `.padded { padding: 0 16px; } .footer { display: flex; justify-content: center; padding: 12px; }`,
})
export class RelatedEntriesComponent {
  private readonly meta = inject(MetaStore);
  readonly section = input.required<RelatedSection>();
  /** The entry of the page, highlighted among its family. */
  readonly activeId = input<string | null>(null);

  protected readonly pager = pagedResource('entries', () => this.section().query ?? undefined, parseEntries);
  protected readonly rows = computed(() => this.section().rows ?? this.pager.rows());
  /** Batch rows are there at once; a family without query has nothing to load. */
  protected readonly loaded = computed(() => this.section().rows !== null || !this.section().query || this.pager.loaded());
  protected readonly link = (entry: Entry): string[] => this.meta.linkTo(entry);
  protected readonly rowId = (entry: Entry): string => entry.id;
}
