import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { PluginView } from '@active-tracker/nestjs/contracts';
import { entryDetailResource } from '../../core/api/entry-detail.resource';
import { PluginInfo } from '../../core/api/meta.parsers';
import { buildSections, detailTitle } from '../../core/view/view-sections.model';
import { EntryMetaComponent } from '../../shared/entry-meta/entry-meta.component';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';
import { TruncatedBadgeComponent } from '../../shared/status-badge/truncated-badge.component';
import { ViewSectionComponent } from './view-section.component';

/** One entry of a plugin, drawn from its view's detail sections, then the facts every entry has. */
@Component({
  selector: 'at-view-detail',
  imports: [EntryMetaComponent, LoadStateComponent, PageHeaderComponent, TruncatedBadgeComponent, ViewSectionComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <at-load-state [loading]="detail.loading()" [error]="detail.error()" />
    @if (detail.entry(); as e) {
      <div data-testid="plugin-detail">
        <at-page-header [title]="title()" [back]="listRoute()" [backLabel]="plugin().title">
          <span prefix class="badge tone-info">{{ e.type }}</span>
          <at-truncated-badge badges [entry]="e" />
        </at-page-header>
        @for (section of sections(); track $index) {
          <at-view-section [section]="section" [activeId]="e.id" />
        }
        <section class="card">
          <h2 class="card-title">Entry</h2>
          <at-entry-meta [entry]="e" [listRoute]="listRoute()" />
        </section>
      </div>
    }
  `,
})
export class ViewDetailComponent {
  readonly plugin = input.required<PluginInfo>();
  readonly view = input.required<PluginView>();
  /** Entry id. */
  readonly id = input.required<string>();

  protected readonly detail = entryDetailResource(
    () => this.id(),
    () => this.plugin().entryType,
  );
  protected readonly listRoute = computed(() => ['/', this.plugin().path]);
  protected readonly sections = computed(() => {
    const entry = this.detail.entry();
    return entry ? buildSections(this.view(), entry, this.detail.batch()) : [];
  });
  protected readonly title = computed(() => {
    const entry = this.detail.entry();
    return entry ? detailTitle(this.view(), entry) : '';
  });
}
