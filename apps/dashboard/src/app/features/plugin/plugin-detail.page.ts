import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { MetaStore } from '../../core/api/meta.store';
import { EntryDetailPage } from '../entries/entry-detail.page';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';
import { ViewDetailComponent } from './view-detail.component';
import { ViewProblemComponent } from './view-problem.component';

/**
 * The detail page of a plugin's entry (`/<plugin path>/:id`): drawn from the plugin's view
 * metadata, or the generic detail page when it has none (or is not enabled any more).
 */
@Component({
  selector: 'at-plugin-detail-page',
  imports: [EntryDetailPage, LoadStateComponent, ViewDetailComponent, ViewProblemComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (plugin(); as p) {
      @if (p.view; as v) {
        <at-view-detail [plugin]="p" [view]="v" [id]="id()" />
      } @else {
        <at-view-problem [problem]="p.viewProblem" />
        <at-entry-detail-page [id]="id()" />
      }
    } @else if (meta.meta() || meta.error()) {
      <at-entry-detail-page [id]="id()" />
    } @else {
      <at-load-state [loading]="true" />
    }
  `,
})
export class PluginDetailPage {
  protected readonly meta = inject(MetaStore);
  /** First URL segment: the plugin's path. */
  readonly section = input<string>();
  /** Entry id (route parameter). */
  readonly id = input.required<string>();

  protected readonly plugin = computed(() => {
    const section = this.section();
    return section ? this.meta.pluginForPath(section) : undefined;
  });
}
