import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { JsonViewerComponent } from '../json-viewer/json-viewer.component';
import { bodyView } from './body-view.model';

/**
 * A captured request or response body: JSON as a tree; HTML and text as plain text in a `<pre>`
 * (interpolated, so `<script>` or `<img onerror>` in a body is shown, never run).
 */
@Component({
  selector: 'at-body-view',
  imports: [JsonViewerComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let v = view();
    @if (v.kind === 'json') {
      <at-json-viewer [value]="v.value" data-testid="body-json" />
    } @else if (v.kind === 'html') {
      <p class="note muted">HTML, shown as source</p>
      <pre class="text" data-testid="body-text" data-kind="html">{{ v.text }}</pre>
    } @else if (v.kind === 'text') {
      <pre class="text" data-testid="body-text" data-kind="text">{{ v.text }}</pre>
    } @else {
      <p class="muted empty">{{ emptyText() }}</p>
    }
  `,
  styles: `
    :host { display: block; min-width: 0; }
    .text { margin: 0; font-family: var(--mono); font-size: 12px; white-space: pre-wrap; word-break: break-word;
      background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; padding: 8px 10px;
      max-height: 560px; overflow: auto; }
    .note { margin: 0 0 4px; font-size: 11.5px; }
    .empty { margin: 0; font-size: 13px; }
  `,
})
export class BodyViewComponent {
  /** The captured body. */
  readonly body = input<unknown>(undefined);
  /** The headers sent with it (their content-type decides how a string is shown). */
  readonly headers = input<unknown>(undefined);
  readonly emptyText = input('No body');

  protected readonly view = computed(() => bodyView(this.body(), this.headers()));
}
