import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { Router } from '@angular/router';
import type { Entry } from '@active-tracker/nestjs/contracts';
import { AbsoluteTimePipe } from '../pipes/absolute-time.pipe';
import { DurationPipe } from '../pipes/duration.pipe';
import { RequestLinkComponent } from '../request-link/request-link.component';
import { TagChipsComponent, USER_TAGS } from '../tag-chips/tag-chips.component';
import { RelativeTimeComponent } from '../time/relative-time.component';

/**
 * The facts every entry has, as a definition list: time, duration, the request it belongs to,
 * tags (clicking one opens `listRoute` filtered by it), ids. Extra rows can be projected first.
 */
@Component({
  selector: 'at-entry-meta',
  imports: [AbsoluteTimePipe, DurationPipe, RequestLinkComponent, TagChipsComponent, RelativeTimeComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `.sep { margin: 0 6px; }`,
  template: `
    <dl class="facts">
      <ng-content />
      <dt>Occurred</dt>
      <dd><at-time [at]="entry().occurredAt" /><span class="muted sep">·</span><span class="muted">{{ entry().occurredAt | absoluteTime }}</span></dd>
      @if (entry().durationMs !== null) {
        <dt>Duration</dt>
        <dd>{{ entry().durationMs | duration }}</dd>
      }
      @if (showRequest()) {
        <dt>Request</dt>
        <dd><at-request-link [batchId]="entry().batchId" /></dd>
      }
      @if (hasTags()) {
        <dt>Tags</dt>
        <dd><at-tag-chips [tags]="entry().tags" [hideUser]="hideUserTags()" (pick)="filterByTag($event)" /></dd>
      }
      <dt>Entry id</dt>
      <dd class="mono">{{ entry().id }}</dd>
      @if (entry().batchId) {
        <dt>Batch</dt>
        <dd class="mono">{{ entry().batchId }}</dd>
      }
      @if (entry().familyHash) {
        <dt>Family</dt>
        <dd class="mono">{{ entry().familyHash }}</dd>
      }
    </dl>
  `,
})
export class EntryMetaComponent {
  private readonly router = inject(Router);
  /** The entry to describe. */
  readonly entry = input.required<Entry>();
  /** List page that tag chips filter (e.g. `['/logs']`). */
  readonly listRoute = input<string[]>(['/requests']);
  /** Show the "Request" row (off on the request page itself). */
  readonly showRequest = input(true);

  /** Leave the `user_*` tags out (pages that show the user on its own). */
  readonly hideUserTags = input(false);

  protected readonly hasTags = computed(() => Object.keys(this.entry().tags ?? {}).some((key) => !(this.hideUserTags() && USER_TAGS.has(key))));

  protected filterByTag(tag: string): void {
    void this.router.navigate(this.listRoute(), { queryParams: { tag } });
  }
}
