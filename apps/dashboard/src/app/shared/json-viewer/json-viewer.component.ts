import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';
import { JsonNodeComponent } from './json-node.component';

/**
 * A JSON value as a collapsible, coloured tree with a "copy" button. A top-level string is shown
 * as text (raw bodies); empty values render `emptyText`.
 */
@Component({
  selector: 'at-json-viewer',
  imports: [JsonNodeComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (isEmpty()) {
      <p class="muted empty">{{ emptyText() }}</p>
    } @else {
      <div class="json">
        <button type="button" class="btn btn-ghost btn-xs copy" (click)="copy()">{{ copied() ? 'Copied' : 'Copy' }}</button>
        @if (isText()) {
          <pre class="j-text">{{ value() }}</pre>
        } @else {
          <at-json-node [value]="value()" [openDepth]="openDepth()" />
        }
      </div>
    }
  `,
  styles: `
    :host { display: block; min-width: 0; }
    .json { position: relative; background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px;
      padding: 8px 10px; overflow: auto; max-height: 560px; }
    .copy { position: sticky; float: right; top: 0; z-index: 1; }
    .empty { margin: 0; font-size: 13px; }
    .j-text { margin: 0; font-family: var(--mono); font-size: 12px; white-space: pre-wrap; word-break: break-word; }
  `,
})
export class JsonViewerComponent {
  /** The value to show. */
  readonly value = input<unknown>(undefined);
  /** Levels expanded initially. */
  readonly openDepth = input(2);
  /** Shown for `undefined`, `null`, `''`, `{}` and `[]`. */
  readonly emptyText = input('Empty');

  protected readonly copied = signal(false);
  protected readonly isText = computed(() => typeof this.value() === 'string');
  protected readonly isEmpty = computed(() => {
    const value = this.value();
    if (value === undefined || value === null || value === '') return true;
    return typeof value === 'object' && Object.keys(value as object).length === 0;
  });

  protected async copy(): Promise<void> {
    const value = this.value();
    const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
    try {
      await navigator.clipboard.writeText(text);
      this.copied.set(true);
      setTimeout(() => this.copied.set(false), 1200);
    } catch {
      // Clipboard access can be refused (insecure origin); the text stays selectable.
    }
  }
}
